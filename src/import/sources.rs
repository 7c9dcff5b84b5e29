//! The sources CSV kind: the articles and reference documents every fact cites.

use oxigraph::model::Literal;

use super::csvfile::{Row, Spec};
use super::fields::{self, clip, required, Faults, Triples};
use super::{Context, Record};
use crate::model::FactKind;
use crate::vocab;

pub const SPEC: Spec = Spec {
    kind: FactKind::Sources,
    required: &["id", "title", "publisher", "published"],
    optional: &["author", "url", "note", "horizon"],
};

/// Reads one source row into its record.
pub fn read(row: &Row<'_>, ctx: &Context) -> Result<Record, Faults> {
    let mut faults = Faults::new();
    let id = required(row, "id", &mut faults);
    if let Some(id) = id {
        if !crate::model::is_valid_id(id) {
            faults.push(row.problem(
                "id",
                format!(
                    "'{}' is not a valid source id: use letters, digits, '_', '-' or '.'",
                    clip(id)
                ),
            ));
        }
    }
    let title = required(row, "title", &mut faults);
    let publisher = required(row, "publisher", &mut faults);
    let published = fields::date(row, "published", true, &mut faults);
    let horizon = fields::date(row, "horizon", false, &mut faults);
    let url = row.get("url");
    if let Some(url) = url {
        let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
        if !scheme_ok
            || url.chars().any(|c| {
                c.is_whitespace()
                    || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
            })
        {
            faults.push(
                row.problem("url", format!("'{}' is not an http(s) URL without spaces", clip(url))),
            );
        }
    }
    let (Some(id), Some(title), Some(publisher), Some(published)) =
        (id, title, publisher, published)
    else {
        return Err(faults);
    };
    if let Some(known) = ctx.sources.get(id) {
        if known != title {
            faults.push(row.problem(
                "title",
                format!(
                    "source '{id}' already exists with title '{}'; a source id names one document",
                    clip(known)
                ),
            ));
        }
    }
    if !faults.is_empty() {
        return Err(faults);
    }
    let source = Source {
        id,
        title,
        publisher,
        published,
        author: row.get("author"),
        url,
        note: row.get("note"),
        horizon,
    };
    let (_, quads) = triples(&source);
    Ok(Record::Source { id: id.to_owned(), title: title.to_owned(), quads })
}

/// A checked source, ready to become triples.
pub struct Source<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub publisher: &'a str,
    pub published: crate::date::Date,
    pub author: Option<&'a str>,
    pub url: Option<&'a str>,
    pub note: Option<&'a str>,
    /// The last period the source covers (see [`super::claims`]): a dataset's last coded year,
    /// an article's publication date.
    pub horizon: Option<crate::date::Date>,
}

/// The IRI and triples of a source (shared with the COW importer's dataset source).
pub fn triples(s: &Source<'_>) -> (oxigraph::model::NamedNode, Vec<oxigraph::model::Quad>) {
    let subject = vocab::source(s.id);
    let mut t = Triples::default();
    t.a(&subject, vocab::bg("Source"));
    t.a(&subject, vocab::iri(vocab::PROV_ENTITY, ""));
    t.bg(&subject, "id", Literal::new_simple_literal(s.id));
    t.add(&subject, vocab::iri(vocab::DCTERMS, "title"), Literal::new_simple_literal(s.title));
    t.add(
        &subject,
        vocab::iri(vocab::DCTERMS, "publisher"),
        Literal::new_simple_literal(s.publisher),
    );
    t.add(&subject, vocab::iri(vocab::DCTERMS, "issued"), s.published.literal());
    t.bg(&subject, "issuedDay", s.published.day_literal());
    t.bg(&subject, "reference", Literal::from(s.id.starts_with("ref-")));
    if let Some(author) = s.author {
        t.add(&subject, vocab::iri(vocab::DCTERMS, "creator"), Literal::new_simple_literal(author));
    }
    if let Some(url) = s.url {
        t.bg(&subject, "url", Literal::new_typed_literal(url, vocab::iri(vocab::XSD, "anyURI")));
    }
    if let Some(note) = s.note {
        t.add(&subject, vocab::iri(vocab::RDFS_COMMENT, ""), Literal::new_simple_literal(note));
    }
    if let Some(h) = s.horizon {
        t.bg(&subject, "horizon", h.literal());
        t.bg(&subject, "horizonEndDay", super::claims::day_after(h.last_day()).literal());
    }
    let rank = super::claims::source_rank(s.id, s.published, s.horizon);
    t.bg(&subject, "sourceRank", Literal::from(i64::from(rank as u8)));
    (subject, t.0)
}
