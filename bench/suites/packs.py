"""Agenda packs: building a 120-page pack against WeasyPrint alone, and serving the built pack over HTTP.

The pack mixes HTML reports (rendered by the pack's templates) and uploaded PDFs (made with WeasyPrint here, in
prepare(), from HTML kept beside them). Two floors for the build:
  * "WeasyPrint alone": one write_pdf() of a single HTML document holding the same content: the pack's front sheet,
    agenda and HTML reports (the same templates) plus the HTML the uploaded PDFs were made from. This is the cost of
    the pack's content if it were all HTML; the target is build ≤ 1.3× this.
  * "WeasyPrint, pack's own layouts": the front matter and papers exactly as the builder lays them out (uploads as
    placeholder pages), each laid out once and written once. The gap to this is the builder's own overhead: the
    estimate layout of the agenda, padding, pikepdf drawing the uploads (keeping the tags of the tagged ones, describing
    the untagged ones page by page), finishing the tags, the database and the file.
Both floors and the pack are tagged PDF/UA-1.
"""

import datetime
import gc
import re
import time

from bench.harness import FLOOR_PATH, Result, time_requests

SLUG = "packs-benchmark"  # not "bench-": generate_bench_data deletes those
REPORTS, UPLOADS = 6, 6
REPORT_PARAGRAPHS, UPLOAD_PARAGRAPHS = 50, 46  # about 8 pages each, so 120 pages with front matter and padding
N_BUILD, N_SERVE = 5, 60

SENTENCE = (
    "The service has continued to improve the timeliness of assessments, the quality of plans and the experience of "
    "children and families, and the partnership board has received assurance on each of the priority actions. "
)


def report_text(n: int) -> str:
    """The text of HTML report `n` as an officer writes it (Markdown: numbered paragraphs under headings, and a table)."""
    table = "Table: Placements\n\n| Setting | Pupils | Cost |\n|---|---|---|\n" + "".join(
        f"| Setting {i} | {i * 7} | {i * 1234:,} |\n" for i in range(1, 11)
    )
    paragraphs = [f"## {n}.0 BACKGROUND"] + [f"{n}.{i} " + SENTENCE * 3 for i in range(1, REPORT_PARAGRAPHS)]
    return "\n\n".join([*paragraphs[:10], table, *paragraphs[10:], "## CONCLUSION"])


def upload_body(n: int) -> str:
    """The HTML an uploaded appendix was made from (its body only)."""
    paragraphs = "".join(f"<p>{n}.{i} {SENTENCE * 3}</p>" for i in range(1, UPLOAD_PARAGRAPHS))
    return f"<h1>APPENDIX {n}: IMPROVEMENT PLAN</h1>{paragraphs}"


def upload_pdf(n: int) -> bytes:
    """Appendix `n` as uploaded: every other one a tagged PDF (its tags are kept in the pack), the rest untagged."""
    from weasyprint import HTML

    css = "@page { size: A4; margin: 20mm 20mm 22mm; } html { font: 11pt/1.4 Arial, 'Liberation Sans', sans-serif; }"
    head = f"<head><title>Appendix {n}</title><style>{css}</style></head>"
    html = f"<!DOCTYPE html><html lang='en-GB'>{head}<body>{upload_body(n)}</body></html>"
    return HTML(string=html).write_pdf(**({"pdf_variant": "pdf/ua-1"} if n % 4 == 0 else {}))


def _meeting():
    from meetings.models import Meeting

    return Meeting.objects.select_related("committee").get(committee__slug=SLUG)


def prepare():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from committee.access import SYSTEM
    from committee.models import Committee, Membership, Person
    from meetings import packs, services
    from meetings.models import AgendaItem, AgendaPack, Document, Meeting

    for meeting in Meeting.objects.filter(committee__slug=SLUG):
        for pack in AgendaPack.objects.filter(meeting=meeting):
            pack.file.delete(save=False)
        for document in Document.objects.filter(agenda_item__meeting=meeting).exclude(file=""):
            document.file.delete(save=False)
        meeting.delete()
    Committee.objects.filter(slug=SLUG).delete()
    committee = Committee.objects.create(
        name="Packs Benchmark Scrutiny Committee",
        slug=SLUG,
        contact_name="Josh Ashworth",
        contact_phone="0161 253 5667",
        contact_email="J.R.Ashworth@bury.gov.uk",
        briefing_facilities="If Opposition Members and Co-opted Members require briefing, contact the report's author.",
    )
    for i, name in enumerate(["C Boles", "A Arif", "D Berry", "U Farooq", "E FitzGerald", "J Grimshaw", "S Haroon", "L Ryder"]):
        person, _ = Person.objects.get_or_create(
            slug=f"packs-bench-{i}", defaults={"name": name, "honorific": "Councillor", "kind": Person.Kind.COUNCILLOR}
        )
        Membership.objects.create(
            committee=committee, person=person, role="chair" if i == 0 else "member", start_date=datetime.date(2025, 5, 14)
        )
    meeting = services.meeting_create(
        committee=committee, date=datetime.date(2025, 9, 16), venue="Council Chamber, Town Hall, Bury", by=SYSTEM
    )
    urgent = meeting.agenda_items.get(kind=AgendaItem.Kind.URGENT_BUSINESS)
    urgent.number = 6 + REPORTS + UPLOADS
    urgent.save()
    number = 6
    for n in range(1, REPORTS + UPLOADS + 1):
        item = AgendaItem.objects.create(
            meeting=meeting, number=number, title=f"REPORT {n}", sponsor="Report of the Executive Director is attached."
        )
        if n % 2:
            document = Document(
                agenda_item=item, title=f"Report {n}", subject=f"Report {n}", report_from="Executive Director", body_source=report_text(n)
            )
            services.document_save(document=document, by=SYSTEM)
        else:
            document = Document(agenda_item=item, title=f"Appendix {n}", file=SimpleUploadedFile(f"appendix-{n}.pdf", upload_pdf(n)))
            services.document_save(document=document, pdf_changed=True, by=SYSTEM)
        number += 1
    public = packs.pack_build(meeting=meeting, background=False, by=SYSTEM)[0]
    packs.pack_publish(pack=public, by=SYSTEM)


def _floors(pack):
    """The two WeasyPrint-only renders described in the module docstring, as callables."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from meetings import packs, pdf

    spec = packs.pack_spec(pack=pack)
    ranges = {int(pk): tuple(pages) for pk, pages in pack.page_ranges.items()}
    base = {"COUNCIL_NAME": settings.COUNCIL_NAME, "BLANK_PAGE_TEXT": pdf.BLANK_PAGE_TEXT, "first_page": 3, "pad": False}
    context = {**pdf.pack_context(spec, ranges=ranges), **base}
    front = render_to_string("meetings/pdf/pack_front.html", context)
    papers = render_to_string("meetings/pdf/pack_papers.html", context)
    html_only = [
        {**paper, "documents": [d for d in paper["documents"] if not d["upload"]]} for paper in spec.papers if not paper["minutes"]
    ]
    html_papers = render_to_string("meetings/pdf/pack_papers.html", {**context, "papers": [p for p in html_only if p["documents"]]})
    uploads = "".join(
        f'<section class="paper">{upload_body(int(d["document"].title.split()[-1]))}</section>'
        for paper in spec.papers
        for d in paper["documents"]
        if d["upload"]
    )
    body = re.search(r"<body>(.*)</body>", html_papers, re.S).group(1)
    everything = front.replace("</body>", body + uploads + "</body>")
    url = str(settings.BASE_DIR)

    # Both floors write tagged PDF/UA-1, as the pack does: the tags are part of the content, not the builder's overhead.
    def weasyprint_alone():
        return HTML(string=everything, base_url=url).write_pdf(pdf_variant="pdf/ua-1")

    def own_layouts():
        first, rest = HTML(string=front, base_url=url).render(), HTML(string=papers, base_url=url).render()
        return first.copy([*first.pages, *rest.pages]).write_pdf(pdf_variant="pdf/ua-1")

    return weasyprint_alone, own_layouts


def run():
    import io

    import pypdf

    from committee.access import SYSTEM
    from meetings import packs
    from meetings.models import AgendaPack

    meeting = _meeting()
    published = AgendaPack.objects.get(meeting=meeting, is_current=True, audience="public")
    weasyprint_alone, own_layouts = _floors(published)
    floor_pages = len(pypdf.PdfReader(io.BytesIO(weasyprint_alone())).pages)
    builds, alone, own = [], [], []

    def build():
        built = packs.pack_build(meeting=meeting, background=False, by=SYSTEM)
        assert built[0].status == AgendaPack.Status.READY, built[0].error
        return built

    steps = [(alone, weasyprint_alone), (own, own_layouts), (builds, build)]
    for round_ in range(N_BUILD):  # interleaved and rotated, so load on the machine falls on all three alike
        for samples, func in steps[round_ % 3 :] + steps[: round_ % 3]:
            gc.collect()  # a layout leaves a large object graph; collect it outside the timing
            start = time.perf_counter()
            result = func()
            samples.append(time.perf_counter() - start)
            if func is build:
                for pack in result:
                    pack.file.delete(save=False)
                    pack.delete()
    size = f"{published.page_count} pages ({REPORTS} HTML reports, {UPLOADS} uploaded PDFs); all-HTML twin {floor_pages} pages"
    results = [
        Result("Build pack vs WeasyPrint alone", size, builds, alone, target="≤ 1.3×", notes=_ratio_note(builds, alone)),
        Result("Build pack vs its own layouts", size, builds, own, notes=_ratio_note(builds, own)),
    ]
    url = published.get_absolute_url()
    serve_floor = time_requests(FLOOR_PATH, N_SERVE)
    serve = time_requests(url, N_SERVE)
    results.append(Result("Serve built pack (HTTP)", f"{published.size_label} file, {published.page_count} pages", serve, serve_floor))
    return results


def _ratio_note(samples, floor):
    return f"median build {sorted(samples)[len(samples) // 2]:.2f}s against {sorted(floor)[len(floor) // 2]:.2f}s"
