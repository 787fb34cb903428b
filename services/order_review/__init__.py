"""Order review (审单): every new order is checked before anything is picked."""
