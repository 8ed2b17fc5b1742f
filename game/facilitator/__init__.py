"""What only a facilitator may do: the PIN, participant codes, the facilitator's menu."""
