"""What every chart of the kit shares, so that all of them read alike on a projector."""

FONT = dict(size=16, family="system-ui, Segoe UI, Roboto, Arial, sans-serif", color="#111")
