# frozen_string_literal: true

require "mail"
require_relative "notifier/version"

# Sends order notifications by e-mail or SMS.
module Notifier
  class DeliveryError < StandardError; end

  # One outgoing message and its channel.
  class Message
    attr_reader :to, :subject, :body

    def initialize(to:, subject:, body:)
      @to = to
      @subject = subject
      @body = body
    end

    def deliver(channel = :email)
      case channel
      when :email then send_email
      when :sms then send_sms
      else raise DeliveryError, "unknown channel #{channel}"
      end
    end

    def self.order_confirmation(order_id, email)
      new(to: email, subject: "Order #{order_id} confirmed", body: "Thank you for your order.")
    end

    private

    def send_email
      Mail.deliver(to: to, subject: subject, body: body)
    end

    def send_sms
      raise DeliveryError, "SMS needs a phone number" unless to.start_with?("+")
    end
  end
end
