"""Picking & packing (配货/打包/称重): stock, pick lists, the scanner API, weighing."""
