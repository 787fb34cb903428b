"""Words for the warehouse floor: packing, hand-over, pick lists, stock (配货/打包/交接): key -> (中文, English)."""

TEXTS = {
}
