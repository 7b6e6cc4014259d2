"""keras.ops implementation: one public function per op (see op.py)."""
