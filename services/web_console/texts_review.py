"""Words for order review's screens (审单): key -> (中文, English)."""

TEXTS = {
}
