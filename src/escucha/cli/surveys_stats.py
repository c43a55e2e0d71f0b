"""`escucha surveys estimate` and `escucha surveys rake`: design-based estimates and weighting
of any survey data file (the same functions weigh stored surveys)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from escucha.cli.surveys_app import surveys_app

JSON_OPTION = typer.Option("--json", help="Print JSON.")


@surveys_app.command()
def estimate(
    data: Annotated[Path, typer.Option("--data", help="Survey data (CSV, one row a response).")],
    mean: Annotated[
        list[str] | None, typer.Option("--mean", help="Estimate this variable's mean.")
    ] = None,
    total: Annotated[
        list[str] | None, typer.Option("--total", help="Estimate this variable's total.")
    ] = None,
    weights: Annotated[
        str | None, typer.Option(help="Column of sampling weights (default: from --fpc, or 1).")
    ] = None,
    strata: Annotated[str | None, typer.Option(help="Column of strata.")] = None,
    cluster: Annotated[
        str | None, typer.Option(help="Column of clusters (primary sampling units).")
    ] = None,
    fpc: Annotated[
        str | None,
        typer.Option(help="Column of population sizes per stratum (clusters, with --cluster)."),
    ] = None,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Means and totals of a probability sample, with R survey's linearised standard errors."""
    from escucha.research.estimate import Design, estimate_file

    design = Design(weights=weights, strata=strata, cluster=cluster, fpc=fpc)
    found = estimate_file(data, design, means=mean or [], totals=total or [])
    if as_json:
        typer.echo(json.dumps({"estimates": [e.as_dict() for e in found]}, indent=2))
        return
    for e in found:
        typer.echo(f"{e.stat:<5}  {e.variable}  {e.estimate:.6g}  (SE {e.se:.6g})")


@surveys_app.command()
def rake(
    data: Annotated[Path, typer.Option("--data", help="Survey data (CSV, one row a response).")],
    targets: Annotated[
        Path,
        typer.Option(help="Population margins: variable,category,share (or total) rows."),
    ],
    out: Annotated[Path, typer.Option(help="Where to write the data with a weight column.")],
    weights: Annotated[
        str | None, typer.Option(help="Column of base weights to start from (default 1).")
    ] = None,
    cap: Annotated[
        float | None, typer.Option(help="Trim: no weight above this many times the mean.")
    ] = None,
    post_stratify: Annotated[
        str | None,
        typer.Option("--post-stratify", help="Post-stratify on this one variable instead."),
    ] = None,
    max_iterations: Annotated[int, typer.Option(help="Give up after this many sweeps.")] = 1000,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Weight the data to population margins (raking, trimming or post-stratification)."""
    from escucha.research.weighting import rake_file

    found = rake_file(
        data,
        targets,
        out,
        weights_column=weights,
        cap=cap,
        post_stratify=post_stratify,
        max_iterations=max_iterations,
    )
    if as_json:
        typer.echo(json.dumps(found.as_dict(), indent=2))
        return
    for m in found.margins:
        typer.echo(f"{m.variable}={m.category}  target {m.target:.6g}  weighted {m.weighted:.6g}")
    typer.echo(
        f"{found.respondents} respondents; design effect {found.design_effect:.4f}, "
        f"effective sample size {found.effective_sample_size:.1f}, "
        f"largest weight {found.max_weight:.4g}; written to {out}"
    )
