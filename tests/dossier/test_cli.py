"""`assessor dossier` and `assessor verify` as a user runs them, in a real process."""

from __future__ import annotations

import os
import subprocess
import sys

from dossier_support import EXPECTED, ROOT, pdftotext, squash

EXE = [sys.executable, "-m", "assessor"]


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*EXE, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)


def test_dossier_then_verify(tmp_path):
    out = tmp_path / "out.pdf"
    as_of = EXPECTED["05-new-site-too-small.json"]["as_of"].isoformat()
    done = _run("dossier", "examples/05-new-site-too-small.json", "-o", str(out), "--as-of", as_of, "--addressee", "国家金融监督管理总局四川监管局")
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout and "不符合条件" in done.stdout
    text = squash(pdftotext(out.read_bytes()))
    # not eligible: an internal gap report, never a 请示 to the addressee
    assert "差距分析报告" in text and "内部资料，不得报送" in text and "妥否" not in text
    from assessor.cli import main

    assert main(["verify", str(out)]) == 0


def test_no_cjk_font_fails_with_advice_and_writes_nothing(tmp_path):
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig></fontconfig>', encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(empty), XDG_CACHE_HOME=str(tmp_path / "cache"))
    out = tmp_path / "out.pdf"
    done = _run("dossier", "examples/01-eligible-two-sites.json", "-o", str(out), "--as-of", "2026-06-30", env=env)
    assert done.returncode == 2
    assert "找不到中文字体" in done.stderr and "fonts-noto-cjk" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    from assessor.dossier import DossierFontError

    assert "fonts-noto-cjk" in DossierFontError().message("en") and "No Chinese font" in DossierFontError().message("en")


def test_bad_input_is_a_message_not_a_traceback(tmp_path, capsys):
    from assessor.cli import main

    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert main(["dossier", str(bad), "-o", str(tmp_path / "x.pdf")]) == 2
    assert "bad.json" in capsys.readouterr().err
    assert main(["dossier", str(ROOT / "examples/01-eligible-two-sites.json"), "-o", str(tmp_path / "x.pdf"), "--as-of", "2026-06-30", "--reading", "nope=1"]) == 2
    assert "nope" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_dossier_prints_doc_number_and_signer_in_the_head(tmp_path, capsys):
    """The same command in this process: test_dossier_then_verify runs it in a real one."""
    from assessor.cli import main

    out = tmp_path / "out.pdf"
    as_of = EXPECTED["01-eligible-two-sites.json"]["as_of"].isoformat()
    code = main([
        "dossier", str(ROOT / "examples/01-eligible-two-sites.json"), "-o", str(out), "--as-of", as_of, "--doc-number", "华安财险〔2026〕3号",
        "--signer", "张三", "--date", "2026-07-02", "--filing-copy",
    ])  # fmt: skip
    stdout, stderr = capsys.readouterr()
    assert code == 0, stderr
    assert "文件为请示" in stdout and "未给出" not in stdout  # every default was overridden
    text = squash(pdftotext(out.read_bytes()))
    assert "华安财险〔2026〕3号" in text and "签发人：张三" in text and "2026年7月2日" in text
    assert "内部资料" not in text and "4.1.premium" not in text  # the filing copy
    assert main(["verify", str(out)]) == 0
