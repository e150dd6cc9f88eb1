"""Video tutorials recorded from the kit's own apps, so that they always show today's screens (issue #16).

- `scenes`: what a tutorial is (a title, an app, a short list of scenes: a French caption and the gestures it
  shows) and the gestures' helpers; `catalogue`: the tutorials, each a list of scenes.
- `subtitles`: the WebVTT file written beside each video, read back, and its text version (a numbered list
  of steps, printable as HTML).
- `folder`: where the recorded tutorials are (`$KIT_TUTORIELS`, by default `tutoriels/` beside the workspaces'
  folder) and which of the catalogue are there; read by the resources page.
- `recorder` (Playwright, a real Voilà, the demo territory) and `video` (frames to WebM with imageio-ffmpeg's
  ffmpeg): `python -m kit tutoriels`, from a checkout with the test tools (`pip install -e ".[test]"`).

Nothing here imports a widget library or an app: the resources page imports `folder`, `subtitles` and
`catalogue`, which load neither Playwright nor ffmpeg.
"""
