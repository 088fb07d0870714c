# frozen_string_literal: true

module Notifier
  VERSION = "0.3.2"
end
