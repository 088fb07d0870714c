# frozen_string_literal: true

require_relative "lib/notifier/version"

Gem::Specification.new do |spec|
  spec.name          = "notifier"
  spec.version       = Notifier::VERSION
  spec.summary       = "Order e-mails and SMS for the shop"
  spec.authors       = ["Platform Team"]
  spec.files         = Dir["lib/**/*.rb"]
  spec.require_paths = ["lib"]
  spec.required_ruby_version = ">= 3.1"

  spec.add_dependency "mail", "~> 2.8"
  spec.add_runtime_dependency "twilio-ruby", ">= 6.0"
  spec.add_development_dependency "rspec", "~> 3.13"
end
