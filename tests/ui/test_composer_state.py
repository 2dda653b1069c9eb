"""The composer's state as properties: the request is derived from them, and a request or
a draft fills them back exactly."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from desktop_app.domain.models import WAN_26, WAN_27
from desktop_app.domain.prompt import IMAGE, VIDEO
from desktop_app.domain.request import AspectRatio, GenerationRequest, Resolution, ShotType
from desktop_app.qt.composer_state import ComposerState


def test_a_request_goes_in_and_comes_out_the_same(qapp: QApplication) -> None:
    state = ComposerState()
    request = GenerationRequest(
        prompt="Image 1 waves at Video 1",
        model=WAN_27.id,
        video_urls=("https://e.com/a.mp4",),
        image_urls=("https://e.com/b.png", "https://e.com/c.webp"),
        first_frame_image="https://e.com/first.png",
        aspect_ratio=AspectRatio.SQUARE,
        resolution=Resolution.HD,
        duration=15,
        negative_prompt="blur",
        seed=42,
        enhance_prompt=False,
        watermark=True,
    )
    state.load(request, WAN_27)
    assert state.references.value == (
        ("https://e.com/a.mp4", VIDEO), ("https://e.com/b.png", IMAGE),
        ("https://e.com/c.webp", IMAGE),
    )  # fmt: skip
    assert state.request() == request
    again = ComposerState()
    assert again.restore(state.draft())
    assert again.request() == request


def test_fields_the_model_lacks_stay_out_of_the_request(qapp: QApplication) -> None:
    state = ComposerState()
    state.references.set((("https://e.com/a.mp4", VIDEO),))
    state.prompt.set("  character1 runs  ")
    state.watermark.set(True)
    state.first_frame.set("https://e.com/first.png")
    state.shot_type.set(ShotType.MULTI)
    request = state.request()
    assert request.model == WAN_26.id and request.prompt == "character1 runs"
    assert request.watermark is None and request.first_frame_image is None
    assert request.shot_type is ShotType.MULTI
    state.enhance.set(False)
    assert state.request().shot_type is None  # it works only with prompt expansion
    state.seed.set("12x")
    assert state.request().seed is None
    assert state.seed_problem() == "The seed must be a whole number from 0 to 2147483647."
    assert not state.restore({"request": "not a request"})
    assert state.prompt.value == "  character1 runs  "


def test_the_generate_label_says_the_price_and_what_is_left_near_the_limit() -> None:
    from desktop_app.domain.pricing import PriceSource, Quote
    from desktop_app.ui.money_text import generate_label, price_source

    quote = Quote(1.5, PriceSource.CATALOGUE, 1)
    label = generate_label(1, busy=False, starting=False, quote=quote, left_today=None)
    assert label[0] == "Generate · $1.50"
    assert price_source(quote) == "Price: the provider's price list."
    close = generate_label(1, busy=False, starting=False, quote=quote, left_today=2.5)
    assert close[0] == "Generate · $1.50 · $2.50 left today"  # one more would not fit
    far = generate_label(1, busy=False, starting=False, quote=quote, left_today=20.0)
    assert far[0] == "Generate · $1.50"
    over = generate_label(1, busy=False, starting=False, quote=quote, left_today=1.0)
    assert over[0] == "Over today's limit · $1.00 left"
    guess = Quote(1.6, PriceSource.HISTORY, 1)
    assert price_source(guess) == "Price: estimate from your history."
