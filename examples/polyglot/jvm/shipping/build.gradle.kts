plugins {
    kotlin("jvm") version "1.9.24"
}

group = "com.example.shop"
version = "1.4.0"
description = "Shipping quotes and carrier selection"

dependencies {
    implementation("com.example.shop:inventory:1.4.0")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.8.1")
    compileOnly("org.jetbrains:annotations:24.1.0")
    testImplementation(kotlin("test"))
}

kotlin {
    jvmToolchain(21)
}
