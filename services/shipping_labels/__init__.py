"""Shipping labels (打单/发货): carriers, waybills, hand-over, tracking, the daily manifest."""
