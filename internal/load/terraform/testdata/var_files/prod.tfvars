table = "orders"
