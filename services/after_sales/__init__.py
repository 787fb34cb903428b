"""After-sales refunds (售后): refund, return and exchange cases on the flow chart."""
