"""Words for the frame, dates and words every page shares: key -> (中文, English)."""

TEXTS = {
    "nav.menu": ("菜单", "Menu"),
}
