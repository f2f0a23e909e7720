#!/usr/bin/env python3
"""Every module a target imports is declared in Package.swift, and no target imports a module
its layer must never see (the rules are the `never` table below; each module's README says
the same). Run by scripts/test.sh; prints what is wrong and exits 1."""
import os
import pathlib
import re
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
system = {"Foundation", "FoundationXML", "Glibc", "Musl", "Darwin", "Dispatch", "Synchronization", "Testing"}
# What each module must never import, directly or not (the data flow is
# .md → CommonMark → Notebook → Language → NTKCore → Render; TangentSupport is below all;
# Datasets sits between Language and NTKCore: the language's data sets, held in NTKCore matrices).
never = {
    "TangentSupport": {"CommonMark", "NTKCore", "Datasets", "Language", "Notebook", "Render", "Serve", "TangentCLI", "CLinearAlgebra", "CCMark", "CZlib"},
    "NTKCore": {"CommonMark", "Datasets", "Language", "Notebook", "Render", "Serve", "TangentCLI", "CCMark", "CZlib"},
    "Datasets": {"CommonMark", "Language", "Notebook", "Render", "Serve", "TangentCLI", "CLinearAlgebra", "CCMark"},
    "CommonMark": {"NTKCore", "Datasets", "Language", "Notebook", "Render", "Serve", "TangentCLI", "CLinearAlgebra", "CZlib"},
    "Language": {"CommonMark", "Notebook", "Render", "Serve", "TangentCLI", "CCMark", "CZlib"},
    "Notebook": {"Render", "Serve", "TangentCLI", "CLinearAlgebra", "CCMark", "CZlib"},
    "Render": {"Serve", "TangentCLI", "CLinearAlgebra", "CCMark", "CZlib"},
    "Serve": {"CommonMark", "NTKCore", "Datasets", "Language", "Notebook", "Render", "TangentCLI"},
    "LanguageServer": {"Render", "NTKCore", "CLinearAlgebra", "Serve", "TangentCLI", "CommonMark", "CCMark", "CZlib"},
}

# TANGENT_FUZZ=1 declares the fuzz targets too (Package.swift adds them only then).
environment = dict(os.environ, TANGENT_FUZZ="1")
described = subprocess.run(
    ["swift", "package", "dump-package"], cwd=root, env=environment, capture_output=True, text=True, check=True
).stdout
import json
package = json.loads(described)
problems = []
for target in package["targets"]:
    name = target["name"]
    path = target.get("path") or ("Tests/" if target["type"] == "test" else "Sources/") + name
    folder = root / path
    if not folder.is_dir() or target["type"] == "system-target":
        continue
    declared = set()
    for dep in target.get("dependencies", []):
        for kind in ("byName", "target", "product"):
            if kind in dep:
                declared.add(dep[kind][0])
    imported = {}
    for file in folder.rglob("*.swift"):
        in_string = False  # inside a multi-line string literal (Python code for the benchmarks)
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if line.count('"""') % 2 == 1:
                in_string = not in_string
                continue
            if in_string:
                continue
            m = re.match(r"^\s*(?:@testable\s+|@_implementationOnly\s+|(?:public|package|internal)\s+)?import\s+(\w+)", line)
            if m and m.group(1) not in system:
                imported.setdefault(m.group(1), f"{file.relative_to(root)}:{number}")
    for module, where in sorted(imported.items()):
        if module == name:
            continue
        if module not in declared:
            problems.append(f"{where}: error: {name} imports {module}, which Package.swift does not declare as its dependency")
        if module in never.get(name, set()):
            problems.append(f"{where}: error: {name} must never import {module}")
    for module in sorted(never.get(name, set()) & declared):
        problems.append(f"Package.swift: error: {name} depends on {module}, which it must never import")

print("\n".join(problems) if problems else "imports: every import is declared and allowed")
sys.exit(1 if problems else 0)
