"""The language menu's prompts: `callhours/menu-<lang>.wav`, each in its own language and voice.

The key a language is offered with depends on the configured menu order, so the files are
rendered from that order (again whenever it changes). Sentences in code rather than in the
templates: a template is one language's texts, while this sentence names the key, which
belongs to the office's menu configuration.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from callcenter.prompts.audio_files import replacing
from callcenter.prompts.audio_tools import AudioTools
from callcenter.prompts.errors import UnsupportedLanguage
from callcenter.prompts.render import DEFAULT_VOICES, voice_for
from callcenter.prompts.template import PromptTemplate

# As short as a menu line can be ("Deutsch: Taste 1"): six of them are heard before the
# no-key caller's announcement, and menu + wait + summaries must stay under 45 s.
MENU_SENTENCES: Mapping[str, str] = {
    "de": "Deutsch: Taste {key}.",
    "en": "English: press {key}.",
    "tr": "Türkçe için {key}.",
    "ar": "للعربية {key}.",
    "ru": "По-русски: {key}.",
    "uk": "Українською: {key}.",
}


# After the announcement (`[callhours-callback-offer]`): the offer names the callback key.
OFFER_SENTENCES: Mapping[str, str] = {
    "de": "Für einen Rückruf drücken Sie die {key}.",
    "en": "For a call back, press {key}.",
    "tr": "Geri arama için {key} tuşlayın.",
    "ar": "لمعاودة الاتصال اضغطوا {key}.",
    "ru": "Для обратного звонка нажмите {key}.",
    "uk": "Для зворотного дзвінка натисніть {key}.",
}
CONFIRM_SENTENCES: Mapping[str, str] = {
    "de": "Danke. Wir rufen Sie zurück.",
    "en": "Thank you. We will call you back.",
    "tr": "Teşekkürler. Sizi geri arayacağız.",
    "ar": "شكرًا. سنعاود الاتصال بكم.",
    "ru": "Спасибо. Мы вам перезвоним.",
    "uk": "Дякуємо. Ми вам передзвонимо.",
}


def menu_text(lang: str, key: int) -> str:
    try:
        return MENU_SENTENCES[lang].format(key=key)
    except KeyError:
        raise UnsupportedLanguage(
            f"Kein Menüsatz für die Sprache „{lang}“ (bekannt: {', '.join(MENU_SENTENCES)})",
            f"no menu sentence for language '{lang}' (known: {', '.join(MENU_SENTENCES)})",
            lang,
        ) from None


def menu_file(sounds_dir: Path, lang: str, kind: str = "menu") -> Path:
    """`kind`: `menu`, `callback-offer` or `callback-confirm`."""
    return sounds_dir / "callhours" / f"{kind}-{lang}.wav"


def menu_texts(
    languages: Sequence[str], callback_key: str = "", *, menu: bool = True
) -> dict[tuple[str, str], str]:
    """(kind, lang) -> sentence: the menu (unless `menu` is False: only the offer on a
    queue overflow is wanted), and with a callback key its offer/confirmation."""
    texts = (
        {("menu", lang): menu_text(lang, key) for key, lang in enumerate(languages, start=1)}
        if menu
        else {}
    )
    if callback_key:
        for lang in languages:
            texts[("callback-offer", lang)] = OFFER_SENTENCES[lang].format(key=callback_key)
            texts[("callback-confirm", lang)] = CONFIRM_SENTENCES[lang]
    return texts


async def render_menu(
    languages: Sequence[str],
    sounds_dir: Path,
    templates: Mapping[str, PromptTemplate],
    tools: AudioTools | None = None,
    callback_key: str = "",
    *,
    menu: bool = True,
) -> dict[tuple[str, str], Path]:
    """Render the menu (key = position in `languages`; not with `menu=False`) and, with a
    callback key, the offer and confirmation per language; (kind, lang) -> path."""
    tools = tools or AudioTools()
    texts = menu_texts(languages, callback_key, menu=menu)
    out: dict[tuple[str, str], Path] = {}
    folder = sounds_dir / "callhours"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        for (kind, lang), text in texts.items():
            template = templates.get(lang)
            voice = voice_for(template) if template else DEFAULT_VOICES.get(lang, lang)
            raw = Path(work) / f"{kind}-{lang}.wav"
            await tools.speak(text, voice, raw)
            final = menu_file(sounds_dir, lang, kind)
            with replacing(final) as temp:
                await tools.to_pbx_wav(raw, temp)
            out[(kind, lang)] = final
    return out
