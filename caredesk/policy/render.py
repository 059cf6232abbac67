"""The policy in plain text, for `caredesk policy show`."""

from __future__ import annotations

from .loader import Policy


def describe_policy(policy: Policy) -> str:
    doc = policy.document
    out = [
        f"{doc.policy.vendor} — {doc.policy.name} {doc.policy.edition}".rstrip(),
        f"file {policy.path}",
        f"version {policy.version}",
        "",
        "Severity levels (P-SEV)",
    ]
    out += [f"  {s.level}: {s.name} — {s.description}" for s in doc.severities]
    out += ["", "Support calendars"]
    out += [f"  {slug}: {cal.describe()}" for slug, cal in policy.calendars.items()]
    out += [
        "",
        "Lifecycle (P-LIFE)",
        f"  Current + {doc.lifecycle.prior_versions} Prior version(s) are Active; "
        f"maintenance releases for: {', '.join(doc.lifecycle.maintenance_for)}; "
        f"retirement notice {doc.lifecycle.retirement_notice}",
        "",
        f"Without a plan: {policy.plan(doc.warranty.default_plan).name} for "
        f"{doc.warranty.length} from purchase (P-DEFAULT)",
    ]
    for slug, plan in doc.plans.items():
        available = "all products" if plan.available_for == "all" else ", ".join(plan.available_for)
        terms = ", ".join(str(m) for m in plan.terms_months)
        out += [
            "",
            f"Plan {plan.name} [{slug}] — terms {terms} months; calendar {plan.calendar}; "
            f"offered for {available}",
        ]
        for service, level in plan.features.items():
            out.append(f"  {doc.services[service].name:<55} {level}")
        for key, target in plan.targets.items():
            limits = []
            if target.channels:
                limits.append("channels " + ", ".join(target.channels))
            if target.severities:
                limits.append("severity " + ", ".join(str(s) for s in target.severities))
            suffix = f" ({'; '.join(limits)})" if limits else ""
            out.append(f"  target {key}: within {target.within}{suffix}")
    for slug, addon in doc.addons.items():
        out += [
            "",
            f"Add-on {addon.name} [{slug}] — for {', '.join(addon.products)}; "
            f"with {', '.join(addon.plans)}; calendar {addon.calendar}",
        ]
    out += ["", "Scope of support (P-SCOPE)"]
    for slug, category in doc.scope.items():
        mark = "supported    " if category.supported else "not supported"
        extra = f" → {category.referral}" if category.referral else ""
        extra += f" (allowance {category.allowance})" if category.allowance else ""
        out.append(f"  {mark} {slug}{extra}")
    for slug, allowance in doc.allowances.items():
        out.append(f"  allowance {slug}: {allowance.minutes} minutes per {allowance.per}")
    out += ["", "Intake checklist (P-INTAKE)"]
    out += [f"  {f.label} [{f.key}] — {f.required}" for f in doc.intake.fields]
    return "\n".join(out) + "\n"
