"""caredesk: support operations for software vendors."""
