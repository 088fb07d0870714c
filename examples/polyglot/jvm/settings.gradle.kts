// Gradle build of the JVM services being migrated off Maven.
rootProject.name = "shop-jvm"

include("shipping")
