"""The check layer: every figure a publisher printed, recomputed from the model and matched at the printed precision."""
