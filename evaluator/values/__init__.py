"""Reading the values people write: numbers in every spelling, labels, arithmetic in prose."""
