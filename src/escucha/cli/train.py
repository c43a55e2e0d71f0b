"""`escucha train --from-labels`: adapt the shipped models with the workspace's own labels."""

from __future__ import annotations

from typing import Annotated

import typer

from escucha.cli.common import workspace_of


def train(
    ctx: typer.Context,
    from_labels: Annotated[
        bool,
        typer.Option(
            "--from-labels", help="Train on the analysts' labels of this workspace (post_labels)."
        ),
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the train / held-out split.")] = 15,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Adapt the shipped models to this workspace: a correction stacked on their probabilities,
    fitted on the analysts' labels, measured on a held-out part of them (macro-F1 before and
    after, per language), and saved into the workspace (the shipped model is never replaced)."""
    import json

    from escucha.enrich import current_model_version
    from escucha.understand.adapt import labelled_examples, save, train_from_labels

    if not from_labels:
        raise typer.BadParameter("say what to train from: --from-labels")
    ws = workspace_of(ctx)
    version = current_model_version()
    adapted = train_from_labels(labelled_examples(ws.engine, version), seed=seed)
    path = save(adapted, ws.path / "models", version)
    report = adapted.report
    if as_json:
        keys = ("before", "after", "n_train", "n_heldout", "per_language", "agreement")
        out = {k: report[k] for k in keys} | {"intents": report.get("intents"), "model": str(path)}
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    typer.echo(
        f"{report['metric']}: {report['before']:.3f} shipped -> {report['after']:.3f} adapted "
        f"({report['n_train']} labels to train, {report['n_heldout']} held out)"
    )
    for lang, m in report["per_language"].items():
        typer.echo(f"  {lang}: {m['before']:.3f} -> {m['after']:.3f} ({m['n_heldout']} held out)")
    if "intents" in report:
        i = report["intents"]
        typer.echo(f"intents: {i['before']:.3f} -> {i['after']:.3f} ({i['n_heldout']} held out)")
    if report["agreement"] < 0.2:
        typer.echo(
            f"note: only {report['agreement']:.0%} of the labels agree with the shipped model: "
            "labels set on the post page are corrections (a confirmation records nothing), so "
            "'shipped' is low by construction; label a sample of posts whatever the model says"
        )
    typer.echo(f"saved to {path} (with MODEL_CARD.md); the shipped model is unchanged")
    typer.echo("use it: escucha analyze --use-workspace-model")
