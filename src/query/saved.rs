//! Saved queries (`queries/*.rq`, compiled in) and their header: the leading `#` comment
//! block gives a one-line description and one `# param NAME: TYPE (required|default: V) — text` line per parameter.

include!(concat!(env!("OUT_DIR"), "/saved_queries.rs"));

/// The type a parameter's value is bound as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    /// An entity id, label or alias, bound as its IRI.
    Entity,
    /// A date (`YYYY[-MM[-DD]]`), bound as the `xsd:date` of its first day.
    Date,
    /// A fact id (`m-0123...`) or IRI.
    Fact,
    /// A source id.
    Source,
    /// A plain string literal.
    String,
    /// An `xsd:integer`.
    Integer,
}

impl ParamType {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "entity" | "country" | "bloc" => Self::Entity,
            "date" => Self::Date,
            "fact" => Self::Fact,
            "source" => Self::Source,
            "string" => Self::String,
            "integer" => Self::Integer,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Entity => "entity",
            Self::Date => "date",
            Self::Fact => "fact",
            Self::Source => "source",
            Self::String => "string",
            Self::Integer => "integer",
        }
    }
}

/// A declared parameter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Param {
    pub name: String,
    pub kind: ParamType,
    pub required: bool,
    /// `today`, or a literal default value.
    pub default: Option<String>,
    pub description: String,
}

/// A query with its header read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SavedQuery {
    pub name: String,
    pub description: String,
    pub params: Vec<Param>,
    #[serde(skip)]
    pub text: String,
}

/// Reads the leading comment block; an ill-formed `# param` line is an error naming its line.
pub fn parse_header(name: &str, text: &str) -> Result<SavedQuery, (usize, String)> {
    let mut description = String::new();
    let mut params = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(comment) = line.trim_start().strip_prefix('#') else { break };
        let comment = comment.trim();
        if let Some(spec) = comment.strip_prefix("param ") {
            params.push(parse_param(spec).map_err(|e| (i + 1, e))?);
        } else if description.is_empty() && !comment.is_empty() {
            description = comment.to_owned();
        }
    }
    Ok(SavedQuery { name: name.to_owned(), description, params, text: text.to_owned() })
}

fn parse_param(spec: &str) -> Result<Param, String> {
    let usage = || {
        format!("'# param {spec}' should read '# param NAME: TYPE (required|optional|default: VALUE) — description'")
    };
    let (name, rest) = spec.split_once(':').ok_or_else(usage)?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(usage());
    }
    let rest = rest.trim();
    let (kind, rest) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let kind = ParamType::parse(kind.trim()).ok_or_else(|| format!("parameter '{name}': unknown type '{kind}' (entity, date, fact, source, string, integer)"))?;
    let rest = rest.trim();
    let (flags, description) = match rest.strip_prefix('(').and_then(|r| r.split_once(')')) {
        Some((flags, description)) => {
            (flags.trim(), description.trim().trim_start_matches(['—', '-', ' ']).trim())
        }
        None => ("optional", rest.trim_start_matches(['—', '-', ' ']).trim()),
    };
    let (required, default) = if flags == "required" {
        (true, None)
    } else if let Some(value) = flags.strip_prefix("default:") {
        (false, Some(value.trim().to_owned()))
    } else if flags == "optional" {
        (false, None)
    } else {
        return Err(usage());
    };
    Ok(Param {
        name: name.to_owned(),
        kind,
        required,
        default,
        description: description.to_owned(),
    })
}

/// Every saved query with its header.
pub fn all() -> Vec<SavedQuery> {
    SAVED.iter().filter_map(|(name, text)| parse_header(name, text).ok()).collect()
}

/// The saved query of that name.
pub fn find(name: &str) -> Option<SavedQuery> {
    SAVED.iter().find(|(n, _)| *n == name).and_then(|(n, text)| parse_header(n, text).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_saved_query_has_a_valid_header() {
        assert!(SAVED.len() >= 12, "only {} saved queries", SAVED.len());
        for (name, text) in SAVED {
            let q = parse_header(name, text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert!(!q.description.is_empty(), "{name} has no description");
        }
    }

    #[test]
    fn header_syntax() {
        let q = parse_header("x", "# Members of a bloc.\n# param bloc: entity (required) — the bloc\n# param as_of: date (default: today) — day\nSELECT * {}").unwrap();
        assert_eq!(q.description, "Members of a bloc.");
        assert_eq!(q.params.len(), 2);
        assert!(q.params[0].required);
        assert_eq!(q.params[1].default.as_deref(), Some("today"));
        assert!(parse_header("x", "# d\n# param bloc: thing (required)\n").is_err());
    }
}
