"""Customer retention (保护库/客户关怀): the customer database, protection pool, care tasks."""
