"""The chat page."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app.deps import SettingsDep

router = APIRouter()

# the page's one setting: its textarea's maxlength, which its script reads too
_LIMIT = 'id="question" name="question" rows="3" maxlength="1000"'


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def chat_page(settings: SettingsDep) -> HTMLResponse:
    page = resources.files("app").joinpath("static/index.html").read_text(encoding="utf-8")
    limit = _LIMIT.replace('"1000"', f'"{settings.max_question_chars}"')
    return HTMLResponse(page.replace(_LIMIT, limit, 1))
