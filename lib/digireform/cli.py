"""The `digireform` command line (README.md, "Command line").

Start-up is kept light: argparse only; each command imports what it needs. Every
command is `handler(args) -> exit status`. Bad input becomes a Norwegian message on
stderr and exit 1, never a traceback (set DIGIREFORM_DEBUG=1 to see one).
"""
from __future__ import annotations

import argparse
import atexit
import datetime as dt
import gc
import os
import sys
from collections.abc import Callable, Sequence

from digireform.analysis.options import ReportOptions


class NorwegianFormatter(argparse.HelpFormatter):
    """argparse's help layout with «Bruk:» for «usage:» (texts in data/cli_messages.yaml)."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:  # noqa: ANN001 - argparse's signature
        super().add_usage(usage, actions, groups, _cli_texts()["usage_prefix"] if prefix is None else prefix)


class NorwegianParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Norwegian: help, group titles and error messages.

    argparse writes its texts in English (through gettext, which follows the user's locale and
    finds no Norwegian catalogue): the group titles and the -h help are set here, and every
    error message is translated by the patterns of data/cli_messages.yaml before it is shown,
    so `digireform --help` and a mistyped command read the same on every machine.
    """

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - argparse's signature
        kwargs.setdefault("formatter_class", NorwegianFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        texts = _cli_texts()
        self._positionals.title = texts["positional_title"]
        self._optionals.title = texts["optional_title"]
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=texts["help_help"])

    def error(self, message: str):  # noqa: ANN201 - NoReturn, as argparse's
        """Usage and the Norwegian message on stderr, exit 2 (as argparse does, in Norwegian)."""
        self.print_usage(sys.stderr)
        self.exit(2, _cli_texts()["error_format"].format(prog=self.prog, message=translate_message(message)) + "\n")


def _cli_texts() -> dict:
    from digireform.model.schema import package_yaml

    return package_yaml("cli_messages.yaml")


def translate_message(message: str) -> str:
    """An argparse message in Norwegian (data/cli_messages.yaml); an unknown one as it is.

    The parts a pattern captures are translated too («argument X: invalid choice: …»)."""
    import re

    for pattern, norwegian in _cli_texts()["messages"]:
        match = re.match(pattern, message, flags=re.DOTALL)
        if match:
            parts = [translate_message(g) if g else "" for g in match.groups()]
            return re.sub(r"\\(\d)", lambda m, got=parts: got[int(m.group(1)) - 1], norwegian)
    return message


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"«{text}» er ikke en dato ÅÅÅÅ-MM-DD") from exc


def _add_data(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="DIR", help="mappe med municipalities/ og procurement/ (standard: $DIGIREFORM_DATA, "
                   "ellers denne mappen om den har municipalities/, ellers eksempelregionen i kildekoden)")


def _add_analysis_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", type=_date, metavar="DATO", help="beregn som om i dag var DATO (ÅÅÅÅ-MM-DD)")
    # the defaults are ReportOptions' (class attributes of the dataclass), so they are said once
    p.add_argument("--k", type=int, default=ReportOptions.k, metavar="ANTALL",
                   help=f"minste antall partnere i et felles exit-vindu (standard {ReportOptions.k})")
    p.add_argument("--tolerance-months", type=int, default=ReportOptions.tolerance_months, metavar="MND",
                   help=f"toleranse i måneder mellom partnernes frigjøring (standard {ReportOptions.tolerance_months})")
    p.add_argument("--horizon-years", type=int, default=ReportOptions.horizon_years, metavar="ÅR",
                   help=f"hvor mange år fram vi ser (standard {ReportOptions.horizon_years})")


def build_parser() -> argparse.ArgumentParser:
    parser = NorwegianParser(prog="digireform", description="Arbeidsbok for felles digital kommunereform.")
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", required=True)

    p = sub.add_parser("validate", help="kontroller dataene; exit 0 når alt er gyldig")
    _add_data(p)

    p = sub.add_parser("report", help="alle beregnede tall som ett JSON-dokument")
    p.add_argument("--json", action="store_true", required=True, help="skriv JSON til stdout")
    _add_data(p)
    _add_analysis_options(p)

    p = sub.add_parser("import-inventory", help="importer en systemliste (.xlsx eller .csv) for én kommune")
    p.add_argument("file", metavar="FIL")
    p.add_argument("--municipality", required=True, metavar="NR", help="kommunenummer, f.eks. 1853")
    _add_data(p)
    p.add_argument("--dry-run", action="store_true", help="vis hva som ville blitt lagt til, endret og fjernet")
    p.add_argument("--replace", action="store_true", help="fjern rader som ikke står i den importerte fila")

    p = sub.add_parser("inventory-template", help="skriv Excel-malen for systemlisten")
    p.add_argument("out", metavar="UT.xlsx")

    p = sub.add_parser("overlap", help="lesbar oppsummering av overlapp og felles exit-vinduer")
    _add_data(p)
    _add_analysis_options(p)

    p = sub.add_parser("import-population", help="aldersgrupper fra en SSB JSON-stat-fil (tabell 07459)")
    p.add_argument("file", metavar="FIL")
    _add_data(p)
    p.add_argument("--dry-run", action="store_true", help="vis gamle og nye tall per kommune uten å lagre")

    p = sub.add_parser("import-survey", help="importer en innbyggerundersøkelse (CSV) for én kommune")
    p.add_argument("file", metavar="FIL")
    p.add_argument("--municipality", required=True, metavar="NR")
    _add_data(p)

    p = sub.add_parser("tender", help="anbud: bygg anbudsdokumentene, skriv eForms-kunngjøringen og samarbeidsavtalen")
    tsub = p.add_subparsers(dest="tender_command", metavar="KOMMANDO", required=True)
    b = tsub.add_parser("build", help="bygg anbudsdokumentene fra en anbudsdefinisjon")
    b.add_argument("tender", metavar="ANBUD.yaml")
    _add_data(b)
    b.add_argument("--out", metavar="DIR", help="utmappe (standard procurement/out/<anbud>)")
    b.add_argument("--as-of", type=_date, metavar="DATO", help="dato for terskelverdier og dokumentdato")
    b.add_argument("--overwrite", action="store_true",
                   help="overskriv dokumenter som er endret etter forrige bygging (ellers avvises byggingen)")
    n = tsub.add_parser("notice", help="skriv eForms-kunngjøringen (Doffin/TED) og kontroller den mot eForms SDK")
    n.add_argument("tender", metavar="ANBUD.yaml")
    _add_data(n)
    n.add_argument("--out", metavar="DIR", help="utmappe (standard procurement/out/<anbud>)")
    n.add_argument("--as-of", type=_date, metavar="DATO", help="dato for terskelverdier")
    n.add_argument("--overwrite", action="store_true", help="erstatt også en kunngjøring som er endret etter forrige bygging")
    g = tsub.add_parser("agreement", help="skriv utkast til samarbeidsavtale med fordelingsnøkkel for anbudet")
    g.add_argument("tender", metavar="ANBUD.yaml")
    _add_data(g)
    g.add_argument("--out", metavar="DIR", help="utmappe (standard procurement/out/<anbud>)")
    g.add_argument("--overwrite", action="store_true", help="erstatt også en avtale som er endret etter forrige bygging")

    p = sub.add_parser("changes", help="hva som er endret i dataene siden siste git-commit")
    _add_data(p)

    p = sub.add_parser("access", help="skrivetilgang per kommune på en felles server (grupper og rettigheter)")
    asub = p.add_subparsers(dest="access_command", metavar="KOMMANDO", required=True)
    a = asub.add_parser("apply", help="opprett grupper og sett rettigheter etter access.yaml i datamappen (som root)")
    _add_data(a)
    a.add_argument("--dry-run", action="store_true", help="vis hva som ville blitt endret, uten å endre noe")

    p = sub.add_parser("hub", help="start JupyterHub for prosjektgruppen (med dashbordene som tjeneste)")
    p.add_argument("--config", metavar="FIL", default=None,
                   help="JupyterHub-konfigurasjon (standard deploy/jupyterhub_config.py i kildekoden)")
    _add_data(p)

    p = sub.add_parser("dashboards", help="start dashbordene for folkevalgte (http://127.0.0.1:PORT/)")
    p.add_argument("--port", type=int, default=8866, metavar="PORT", help="portnummer (standard 8866)")
    _add_data(p)
    p.add_argument("--allow-host", action="append", metavar="NAME",
                   help="vertsnavn serveren også svarer på bak en proxy (kan gjentas; også $DIGIREFORM_ALLOWED_HOSTS)")
    p.add_argument("--base-url", metavar="STI", help="stien sidene vises under bak en proxy, f.eks. /services/dashboards/ "
                   "(standard: $JUPYTERHUB_SERVICE_PREFIX når de kjører som JupyterHub-tjeneste, ellers /)")
    p.add_argument("--poll", type=float, default=10.0, help=argparse.SUPPRESS)  # seconds between data checks
    p.add_argument("--no-preheat", action="store_true", help=argparse.SUPPRESS)  # no kernels any more; kept for old scripts
    return parser


# --------------------------------------------------------------------------- commands
# One handler per command, `handler(args) -> exit status`. Each imports what it needs when
# it runs, so `digireform --help` and the light commands start without pandas or plotly.


def cmd_validate(args: argparse.Namespace) -> int:
    """`digireform validate [--data DIR]`: every problem on stdout, exit 1 when there is one."""
    from digireform.model import formatting
    from digireform.validate.region import load

    region = load(args.data)
    for problem in region.problems:
        print(problem)
    if region.problems:
        print(f"{len(region.problems)} feil funnet.", file=sys.stderr)
        return 1
    n = len(region.systems)
    print(f"OK: {formatting.count(len(region.municipalities), 'kommune', 'kommuner')}, "
          f"{formatting.count(n, 'system', 'systemer')}, "
          f"{formatting.count(len(region.welfare), 'velferdsteknologirad', 'velferdsteknologirader')}.",
          file=sys.stderr)
    return 0


def report_options(args: argparse.Namespace):
    """The analysis options of `report` and `overlap` from their command-line arguments."""
    return ReportOptions(
        as_of=args.as_of or dt.date.today(), k=args.k,
        tolerance_months=args.tolerance_months, horizon_years=args.horizon_years,
    )


def cmd_report(args: argparse.Namespace) -> int:
    """`digireform report --json`: the public report on stdout."""
    from digireform.report import build_report, to_json
    from digireform.validate.region import load_valid

    region = load_valid(args.data, "Rapporten")
    # two writes, not `document + "\n"`: that would copy the whole (national: tens of MB) text
    sys.stdout.write(to_json(build_report(region, report_options(args))))
    sys.stdout.write("\n")
    return 0


def cmd_import_inventory(args: argparse.Namespace) -> int:
    """`digireform import-inventory FILE --municipality NR [--data DIR] [--dry-run] [--replace]`."""
    from digireform.ingest.inventory import format_summary, import_inventory

    result = import_inventory(args.file, args.municipality, args.data,
                              dry_run=args.dry_run, replace=args.replace)
    print(format_summary(result))
    return 0


def cmd_inventory_template(args: argparse.Namespace) -> int:
    """`digireform inventory-template OUT.xlsx`: the Excel template for the systems list."""
    from digireform.ingest.template import write_template
    from digireform.model.errors import display_path

    path = write_template(args.out)
    print(f"Skrev malen {display_path(path)}.")
    return 0


def cmd_overlap(args: argparse.Namespace) -> int:
    """`digireform overlap`: the summary of the public report's overlap section."""
    from digireform.analysis.catalogue import load_catalogue
    from digireform.analysis.overlap import analyse, summary_text
    from digireform.model.privacy import public_systems
    from digireform.validate.region import load_valid
    from digireform.validate.thresholds import group_thresholds

    region = load_valid(args.data, "Overlappen")
    result = analyse(public_systems(region.in_use_systems()), load_catalogue(region.data_dir), report_options(args),
                     region_size=len(region.municipalities), thresholds=group_thresholds(region.data_dir))
    print(summary_text(result, {nr: region.name(nr) for nr in region.numbers}))
    return 0


def cmd_import_population(args: argparse.Namespace) -> int:
    """`digireform import-population FILE [--data DIR] [--dry-run]`."""
    from digireform.ingest.population import format_result, import_population, municipalities
    from digireform.model.errors import DigireformError, display_path

    result = import_population(args.file, args.data, dry_run=getattr(args, "dry_run", False))
    if not result.changes:
        raise DigireformError(
            f"Ingen av kommunene i {display_path(args.file)} har en mappe i datamappen "
            f"(kommuner i filen: {', '.join(result.skipped)})."
        )
    print(format_result(result, display_path(args.file)))
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    if result.skipped:
        print(f"Hoppet over {municipalities(len(result.skipped))} uten mappe: {', '.join(result.skipped)}.",
              file=sys.stderr)
    return 0


def cmd_import_survey(args: argparse.Namespace) -> int:
    """`digireform import-survey FILE --municipality NR [--data DIR]`."""
    from digireform.ingest.survey import import_survey
    from digireform.model.errors import display_path

    target, rows, notes = import_survey(args.file, args.municipality, args.data)
    for note in notes:
        print(note)
    print(f"Lagret {len(rows)} svar (undersøkelse {rows['survey'].iloc[0]}) i {display_path(target)}.")
    return 0


def cmd_tender_build(args: argparse.Namespace) -> int:
    """`digireform tender build ANBUD.yaml [--data DIR] [--out DIR] [--as-of DATO] [--overwrite]`."""
    from digireform.tender.build import build_tender, summary

    result = build_tender(args.tender, data_dir=args.data, out_dir=args.out, as_of=getattr(args, "as_of", None),
                          overwrite=bool(getattr(args, "overwrite", False)))
    for w in result.warnings:
        print(f"Advarsel: {w}", file=sys.stderr)
    print(summary(result))
    return 0


def cmd_tender_notice(args: argparse.Namespace) -> int:
    """`digireform tender notice ANBUD.yaml [--data DIR] [--out DIR]`: the eForms contract notice."""
    from digireform.tender.publish import build_notice, summary

    print(summary(build_notice(args.tender, data_dir=args.data, out_dir=args.out, as_of=args.as_of,
                               overwrite=args.overwrite)))
    return 0


def cmd_tender_agreement(args: argparse.Namespace) -> int:
    """`digireform tender agreement ANBUD.yaml [--data DIR] [--out DIR]`: samarbeidsavtale.docx."""
    from digireform.model.errors import display_path
    from digireform.tender.publish import build_agreement

    path, table = build_agreement(args.tender, data_dir=args.data, out_dir=args.out, overwrite=args.overwrite)
    print(f"Skrev {display_path(path)}.")
    print(table)
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    """`digireform changes [--data DIR]`: what changed in the data since the last commit."""
    from digireform.analysis.changes import summary

    print(summary(args.data))
    return 0


def cmd_dashboards(args: argparse.Namespace) -> int:
    """`digireform dashboards [--port N] [--data DIR] [--allow-host NAME]`: serve until Ctrl-C."""
    import asyncio
    import logging

    from digireform.dashboard import serve
    from digireform.io.paths import resolve_data_dir

    data_dir = resolve_data_dir(args.data)
    serve.check_port(args.port)
    base_url = serve.normalize_base_url(getattr(args, "base_url", None) or os.environ.get("JUPYTERHUB_SERVICE_PREFIX"))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S",
                        stream=sys.stderr)
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    print(f"Dashbordene: http://{serve.HOST}:{args.port}{base_url}  (data: {data_dir}; Ctrl-C stopper)",
          file=sys.stderr, flush=True)
    asyncio.run(serve.run(args.port, data_dir, list(getattr(args, "allow_host", None) or []),
                          float(getattr(args, "poll", None) or serve.POLL_SECONDS), base_url=base_url))
    return 0


def cmd_access_apply(args: argparse.Namespace) -> int:
    """`digireform access apply [--data DIR] [--dry-run]`: groups, memberships and modes from access.yaml."""
    from digireform.io import access
    from digireform.io.paths import resolve_data_dir
    from digireform.validate.access import load_access

    data_dir = resolve_data_dir(args.data)
    if not args.dry_run:
        access.require_root()
    wanted = load_access(data_dir)
    changes = access.plan(data_dir, wanted)
    if not changes:
        print(f"Ingen endringer: grupper og rettigheter i {data_dir} er allerede som i access.yaml.")
        return 0
    for line in access.summary(changes):
        print(("Ville: " if args.dry_run else "") + line)
    if args.dry_run:
        print(f"{len(changes)} endringer ville blitt gjort (--dry-run: ingenting er endret).")
        return 0
    access.apply(changes)
    access.apply(access.plan(data_dir, wanted))  # what git rewrote meanwhile (its config), once more
    print(f"{len(changes)} endringer gjort.")
    return 0


def cmd_hub(args: argparse.Namespace) -> int:
    """`digireform hub [--config FILE] [--data DIR]`: JupyterHub in the foreground until Ctrl-C."""
    from digireform.io.paths import resolve_data_dir
    from digireform.model.errors import DigireformError

    config = args.config or _default_hub_config()
    if not os.path.isfile(config):
        raise DigireformError(f"--config: {config} finnes ikke.")
    env = {**os.environ, "DIGIREFORM_DATA": str(resolve_data_dir(args.data))}
    hub = os.path.join(os.path.dirname(sys.executable), "jupyterhub")
    if not os.path.exists(hub):
        raise DigireformError("JupyterHub er ikke installert: pip install -e '.[hub]' (eller make hub).")
    os.execve(hub, [hub, "-f", config], env)  # the hub replaces us: its signals, its exit status
    return 0  # pragma: no cover


def _default_hub_config() -> str:
    from digireform.io.paths import checkout_root

    root = checkout_root()
    return str(root / "deploy" / "jupyterhub_config.py") if root else "jupyterhub_config.py"


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": cmd_validate,
    "report": cmd_report,
    "import-inventory": cmd_import_inventory,
    "inventory-template": cmd_inventory_template,
    "overlap": cmd_overlap,
    "import-population": cmd_import_population,
    "import-survey": cmd_import_survey,
    "tender build": cmd_tender_build,
    "tender notice": cmd_tender_notice,
    "tender agreement": cmd_tender_agreement,
    "changes": cmd_changes,
    "dashboards": cmd_dashboards,
    "access apply": cmd_access_apply,
    "hub": cmd_hub,
}


def _handler(command: str) -> Callable[[argparse.Namespace], int]:
    return HANDLERS[command]


# Short-lived commands that build large result structures: the cyclic garbage collector only
# walks them again and again (0.5 s of a national report) and the process exits right after.
# At exit everything is frozen first, so the interpreter's final collection does not walk it
# all once more either (0.1 s of a national report); these commands hold no files open.
NO_GC_COMMANDS = {"validate", "report", "overlap"}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = {"tender": f"tender {getattr(args, 'tender_command', '')}",
               "access": f"access {getattr(args, 'access_command', '')}"}.get(args.command, args.command)
    if command in NO_GC_COMMANDS and argv is None:  # only as a process, not when called from Python
        gc.disable()
        atexit.register(gc.freeze)
    from digireform.model.errors import DigireformError

    try:
        return int(_handler(command)(args) or 0)
    except DigireformError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file the command was given or writes: name it (disk full, no access, …)
        if os.environ.get("DIGIREFORM_DEBUG"):
            raise
        print(_os_error_message(exc), file=sys.stderr)
        return 1
    except Exception as exc:  # never show a traceback to a user
        if os.environ.get("DIGIREFORM_DEBUG"):
            raise
        print(f"Uventet feil ({type(exc).__name__}): {exc}\nSett DIGIREFORM_DEBUG=1 for detaljer.", file=sys.stderr)
        return 2


def _os_error_message(exc: OSError) -> str:
    """«FILE: (fil): reason» for an operating-system error; the reason in Norwegian (errors.os_reason)."""
    from digireform.model.errors import display_path, os_reason

    reason = os_reason(exc)
    if exc.filename is None:
        return f"Fil- eller systemfeil: {reason}"
    return f"{display_path(exc.filename)}: (fil): kan ikke leses eller skrives: {reason}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
