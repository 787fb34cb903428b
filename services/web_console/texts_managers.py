"""Words for managers' reports, charts and downloads (报表/绩效): key -> (中文, English)."""

TEXTS = {
}
