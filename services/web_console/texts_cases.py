"""Words for after-sales cases, the protection pool and care tasks (售后/保护库/客户关怀): key -> (中文, English)."""

TEXTS = {
}
