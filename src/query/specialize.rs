//! Specializing a query's algebra for the parameters of one run, so that a selective parameter
//! becomes an index look-up instead of a filter over a whole kind of fact.
//!
//! The saved queries take optional parameters as `FILTER(!BOUND(?country) || ?reporter =
//! ?country || ?partner = ?country)`: one text for every combination, portable to every engine,
//! but no engine can use an index for a disjunction that mentions a variable bound at run time.
//! Once the run's values are known, rewrites, each exact under SPARQL's semantics, give
//! oxigraph's optimizer constants where it needs them:
//!
//! 1. **Folding.** A bound parameter becomes its constant in every expression and triple
//!    pattern (it is bound in every scope already, by [`super::bind_in_algebra`]); `BOUND` of a
//!    parameter left unset is `false` (when the query never binds that variable itself); the
//!    boolean connectives, `IF` and `COALESCE` are simplified around the constants. An unset
//!    parameter's filter folds to `true` and disappears.
//! 2. **Narrowing.** `FILTER(?v = <iri> && rest)` over a pattern that binds `?v` becomes that
//!    pattern with `<iri>` in place of `?v` (and `BIND(<iri> AS ?v)`), the constant pushed into
//!    the pattern's required triples, past the OPTIONALs that do not bind `?v`; an OPTIONAL
//!    that does bind it becomes required (only its matches can equal the constant).
//! 3. **Splitting.** `FILTER((a || b || c) && rest)` whose every disjunct can be narrowed
//!    becomes a UNION of one narrowed branch per disjunct, each keeping `rest`, branch `k` also
//!    requiring that no earlier disjunct holds (`!COALESCE(a, false)`), so a row that
//!    satisfies two disjuncts is still given once.
//!
//! 4. **Driving.** A subquery joined with triple patterns (the saved queries' claim groups,
//!    then the fields of each claim) becomes a LATERAL join (oxigraph's SEP-0006): each of the
//!    subquery's solutions looks its triples up, where a hash join would read every fact of
//!    the kind to join a few dozen claims. So does a subquery joined with a UNION of one
//!    branch per kind of row (timeline), each branch's `BIND("joins" AS ?edge)` of a column
//!    the subquery always binds becoming the check `FILTER(sameTerm(?edge, "joins"))`.
//!
//! 5. **Looking OPTIONALs up.** An OPTIONAL of several triples (a claim's description, an
//!    end and its day) becomes a LATERAL of a one-row OPTIONAL: looked up per solution, as
//!    oxigraph already plans an OPTIONAL of one triple, instead of a hash join that first
//!    reads every match of those triples in the store.
//!
//! Rewrites 4 and 5 pay when a constant keeps the solutions few. A run whose triples hold no
//! selective constant (no entity, source or literal: a query that lists everything, its
//! parameters unset or only in FILTERs) reads whole kinds of fact instead, and gets:
//!
//! 6. **Tables.** Each triple pattern becomes its own subquery, the triples of one subject
//!    joined first, and subqueries, triples and OPTIONALs are joined by hash (rewrites 4 and 5
//!    stand aside unless the join would have no keys): oxigraph reads each property once
//!    (~1 us a row) where it would seek it for every solution (~10 us a seek). 100k rows:
//!    withdrawals 60 -> 7 s, exits 25 -> 6 s, trade 16 -> 7 s, answers unchanged.
//!
//! A selective run (an entity in its triples) also gets:
//!
//! 7. **Reading an entity's facts once.** Triples of several subjects, each naming an entity
//!    (a downgraded spell and the spell after it, both of one bloc), and an OPTIONAL of
//!    several triples naming one (no other spell of the bloc continues this one) become
//!    subqueries: read once from the entity and joined by hash, where oxigraph's own plan
//!    looped over the left side and looked each match up from a variable it binds (every
//!    spell of the country, in every bloc). Withdrawals by bloc at 1M rows: 1.2 -> 0.4 s.
//!
//! Anything the rewrites cannot prove exact (a subquery, `MINUS`, `VALUES`, a `BIND` or
//! `GROUP BY` of the variable, a literal constant, whose `=` compares values rather than terms)
//! is left as written. The remote engines get the text as bound by `bind_in_algebra` only.

use std::collections::HashSet;

use oxigraph::model::vocab::xsd;
use oxigraph::model::{Literal, NamedNode, Term, Variable};
use spargebra::algebra::{AggregateExpression, Expression, GraphPattern, OrderExpression};
use spargebra::term::{NamedNodePattern, TermPattern, TriplePattern};

/// The values of one run: the parameters given (or defaulted) and those left unset.
pub(crate) struct Env {
    bound: Vec<(Variable, Expression)>,
    unbound: HashSet<Variable>,
}

impl Env {
    /// `unset`: the query's parameters not bound in this run; one the query binds itself (in a
    /// triple pattern, `BIND`, `VALUES` or aggregate) is not treated as unbound.
    pub(crate) fn new(
        pattern: &GraphPattern,
        bound: &[(Variable, Term)],
        unset: &[Variable],
    ) -> Self {
        let bound = bound
            .iter()
            .filter_map(|(v, t)| {
                let e = match t {
                    Term::NamedNode(n) => Expression::NamedNode(n.clone()),
                    Term::Literal(l) => Expression::Literal(l.clone()),
                    _ => return None,
                };
                Some((v.clone(), e))
            })
            .collect();
        let unbound = unset.iter().filter(|v| !binds_somewhere(pattern, v)).cloned().collect();
        Self { bound, unbound }
    }

    fn constant(&self, v: &Variable) -> Option<&Expression> {
        self.bound.iter().find(|(b, _)| b == v).map(|(_, e)| e)
    }
}

/// Specializes `pattern` for the run's values (the rewrites of the module docs): first the
/// constants (1-3), then the joins (4, 5), which need the constants in place to be chosen and
/// would hide the patterns from the narrowing if done first.
pub(crate) fn specialize(pattern: GraphPattern, env: &Env) -> GraphPattern {
    let folded = fold_pattern(pattern, env);
    // Rewrite 6 and the scans rewrite 5 spares are for runs that list everything: with an
    // entity in a triple, oxigraph's own nested loops carry it into the triples after it,
    // and tables would read in full what they look up (sources of one entity: 0.10 -> 0.63 s
    // at 100k rows).
    let whole = !selective(&folded);
    let lateral = lateralize(folded, whole);
    if whole {
        tabulate(lateral)
    } else {
        lateral
    }
}

/// Rewrites 1-3.
fn fold_pattern(pattern: GraphPattern, env: &Env) -> GraphPattern {
    use GraphPattern as P;
    match pattern {
        P::Bgp { patterns } => P::Bgp {
            patterns: patterns
                .into_iter()
                .map(|t| TriplePattern {
                    subject: term_constant(t.subject, env),
                    predicate: t.predicate,
                    object: term_constant(t.object, env),
                })
                .collect(),
        },
        P::Path { subject, path, object } => P::Path {
            subject: term_constant(subject, env),
            path,
            object: term_constant(object, env),
        },
        P::Join { left, right } => {
            let (left, right) = (fold_pattern(*left, env), fold_pattern(*right, env));
            // Triples written after OPTIONALs (`?s bg:id ?sid` after the fact's OPTIONALs) go
            // beside the required triples they connect to: joined outside the OPTIONALs,
            // oxigraph started from them and looked up every fact once per source.
            match (looks_up(&left), looks_up(&right)) {
                (false, true) => join(left, right),
                (true, false) => join(right, left),
                _ => P::Join { left: Box::new(left), right: Box::new(right) },
            }
        }
        P::LeftJoin { left, right, expression } => {
            let expression = expression.map(|e| fold(e, env)).filter(|e| as_bool(e) != Some(true));
            P::LeftJoin {
                left: Box::new(fold_pattern(*left, env)),
                right: Box::new(fold_pattern(*right, env)),
                expression,
            }
        }
        P::Filter { expr, inner } => {
            let inner = fold_pattern(*inner, env);
            let expr = fold(expr, env);
            match as_bool(&expr) {
                Some(true) => inner,
                Some(false) => P::Values { variables: Vec::new(), bindings: Vec::new() },
                None => narrow_filter(&expr, &inner)
                    .unwrap_or(P::Filter { expr, inner: Box::new(inner) }),
            }
        }
        P::Union { left, right } => P::Union {
            left: Box::new(fold_pattern(*left, env)),
            right: Box::new(fold_pattern(*right, env)),
        },
        P::Extend { inner, variable, expression } => P::Extend {
            inner: Box::new(fold_pattern(*inner, env)),
            variable,
            expression: fold(expression, env),
        },
        P::Minus { left, right } => P::Minus {
            left: Box::new(fold_pattern(*left, env)),
            right: Box::new(fold_pattern(*right, env)),
        },
        P::OrderBy { inner, expression } => P::OrderBy {
            inner: Box::new(fold_pattern(*inner, env)),
            expression: expression
                .into_iter()
                .map(|o| match o {
                    OrderExpression::Asc(e) => OrderExpression::Asc(fold(e, env)),
                    OrderExpression::Desc(e) => OrderExpression::Desc(fold(e, env)),
                })
                .collect(),
        },
        P::Project { inner, variables } => {
            P::Project { inner: Box::new(fold_pattern(*inner, env)), variables }
        }
        P::Distinct { inner } => P::Distinct { inner: Box::new(fold_pattern(*inner, env)) },
        P::Reduced { inner } => P::Reduced { inner: Box::new(fold_pattern(*inner, env)) },
        P::Slice { inner, start, length } => {
            P::Slice { inner: Box::new(fold_pattern(*inner, env)), start, length }
        }
        P::Group { inner, variables, aggregates } => P::Group {
            inner: Box::new(fold_pattern(*inner, env)),
            variables,
            aggregates: aggregates
                .into_iter()
                .map(|(v, a)| {
                    let a = match a {
                        AggregateExpression::FunctionCall { name, expr, distinct } => {
                            AggregateExpression::FunctionCall {
                                name,
                                expr: fold(expr, env),
                                distinct,
                            }
                        }
                        other => other,
                    };
                    (v, a)
                })
                .collect(),
        },
        // VALUES, GRAPH, SERVICE and LATERAL are left as written.
        other => other,
    }
}

/// Rewrites 4, 5 and 7, bottom-up.
fn lateralize(pattern: GraphPattern, whole: bool) -> GraphPattern {
    use GraphPattern as P;
    let b = |p: Box<GraphPattern>| Box::new(lateralize(*p, whole));
    match pattern {
        P::Join { left, right } => {
            let (left, right) = (lateralize(*left, whole), lateralize(*right, whole));
            // Rewrite 4: a subquery's few solutions drive the look-ups of the triples joined
            // with it, instead of a hash join reading those triples in full.
            if whole {
                // A run that lists everything: the subquery's solutions are every claim of a
                // kind, and a hash join with tables (rewrite 6) reads each property once
                // where look-ups would seek it per claim (trade at 100k rows: 11 -> 7 s).
                P::Join { left: Box::new(left), right: Box::new(right) }
            } else if drives(&left) && looks_up(&right) {
                P::Lateral { left: Box::new(left), right: Box::new(right) }
            } else if drives(&right) && looks_up(&left) {
                P::Lateral { left: Box::new(right), right: Box::new(left) }
            } else if let Some(checked) = drives(&left).then(|| keyed(&right, &left)).flatten() {
                P::Lateral { left: Box::new(left), right: Box::new(checked) }
            } else if looks_up_either(&right) && anchored(&left) {
                // bilateral's `{ ?f prov:wasDerivedFrom ?s } UNION { ?g prov:wasDerivedFrom ?s }`
                // after the pair's memberships: hash-joined, it read every derivation in the
                // store into one bucket (its keys were the parameters) and probed it per pair.
                P::Lateral { left: Box::new(left), right: Box::new(right) }
            } else {
                P::Join { left: Box::new(left), right: Box::new(right) }
            }
        }
        P::LeftJoin { left, right, expression } => {
            let (left, right) = (lateralize(*left, whole), lateralize(*right, whole));
            // Rewrite 5: an OPTIONAL of several triples is looked up for each solution of its
            // left side (oxigraph's own plan for one triple), not hash-joined after reading
            // every match of its triples in the store.
            // Also one triple whose variables shared with the left side are not all certainly
            // bound there: oxigraph then builds a hash table without keys and compares every
            // row of the left side with every match (bilateral's `OPTIONAL { ?row bg:disputed
            // ?d1 }`: 105 rows x 82k matches, 4 s at 100k rows).
            let outer = variables(&left);
            let keyless =
                || outer.iter().any(|v| mentions(&right, v) && !certainly_binds(&left, v));
            // Not in a run that lists everything, unless the join would have no keys: one
            // look-up per solution reads again what one hash join with tables reads once
            // (withdrawals' spells that no other spell continues: each country's spells were
            // read once per spell, 17 s at 100k rows).
            // Nor when the OPTIONAL's own triples name an entity (a parameter folded in): then
            // its matches are that entity's facts, read once for the hash join, where a look-up
            // per solution seeks again each time (exits by bloc: the spells that continue
            // another were sought 78k times, ~25 us each, for 1.9k spells at 100k rows).
            let lookup = if whole {
                keyless()
            } else {
                (several_triples(&right) && !names_entity(&right)) || keyless()
            };
            if lookup && lateral_safe(&right, &outer) {
                P::Lateral {
                    left: Box::new(left),
                    right: Box::new(P::LeftJoin {
                        left: Box::new(P::Bgp { patterns: Vec::new() }),
                        right: Box::new(right),
                        expression,
                    }),
                }
            } else {
                // The entity's facts read once, as a subquery: left to itself, oxigraph's
                // optimizer may still loop over the left side and start each look-up from a
                // variable the left side binds (withdrawals by bloc: every spell of the
                // country, 67k look-ups for 1.6k ended spells at 1M rows, instead of the
                // bloc's 3.8k spells read once).
                let once = !whole && names_entity(&right) && several_triples(&right);
                let right = if once { subquery(right) } else { right };
                P::LeftJoin { left: Box::new(left), right: Box::new(right), expression }
            }
        }
        P::Lateral { left, right } => P::Lateral { left: b(left), right: b(right) },
        P::Bgp { patterns } if !whole => entity_stars(patterns),
        other => map_inner(other, |p| lateralize(p, whole)),
    }
}

/// Triples of several subjects, each subject's triples naming an entity (a parameter folded
/// in): each subject's triples become a subquery, read once from the entity and hash-joined,
/// where oxigraph's own plan looped over the first subject's facts and looked the second's up
/// from a variable they share (withdrawals by bloc, a spell downgraded to the next: 46k
/// look-ups of the country's spells for 1.1k ended spells of the bloc, at 1M rows). Exact: a
/// basic graph pattern without blank nodes is the join of its parts, and each subquery
/// projects all its variables.
fn entity_stars(patterns: Vec<TriplePattern>) -> GraphPattern {
    use GraphPattern as P;
    let stars: Vec<GraphPattern> =
        by_subject(&patterns).into_iter().map(|star| P::Bgp { patterns: star }).collect();
    let blank = |t: &TriplePattern| {
        matches!(t.subject, TermPattern::BlankNode(_))
            || matches!(t.object, TermPattern::BlankNode(_))
    };
    let split = stars.len() > 1 && !patterns.iter().any(blank) && stars.iter().all(names_entity);
    if !split {
        return P::Bgp { patterns };
    }
    stars
        .into_iter()
        .map(subquery)
        .reduce(|a, b| P::Join { left: Box::new(a), right: Box::new(b) })
        .unwrap_or(P::Bgp { patterns: Vec::new() })
}

/// `patterns` grouped by subject (a star each), in the order the subjects first appear.
fn by_subject(patterns: &[TriplePattern]) -> Vec<Vec<TriplePattern>> {
    let mut stars: Vec<Vec<TriplePattern>> = Vec::new();
    for t in patterns {
        match stars.iter_mut().find(|star| star[0].subject == t.subject) {
            Some(star) => star.push(t.clone()),
            None => stars.push(vec![t.clone()]),
        }
    }
    stars
}

/// `p` as a subquery projecting every variable it binds: the same solutions, planned on its
/// own. oxigraph's optimizer does not flatten a projection into the joins around it, and
/// joins it by hash rather than looking it up per solution of the other side.
fn subquery(p: GraphPattern) -> GraphPattern {
    let variables = variables(&p);
    GraphPattern::Project { inner: Box::new(p), variables }
}

/// `p` with `f` applied to the patterns directly under a FILTER, UNION, BIND, MINUS, ORDER BY,
/// projection, DISTINCT, REDUCED, slice or GROUP BY; joins, OPTIONALs and LATERALs (each
/// rewrite's own business), triples, VALUES, GRAPH and SERVICE as they are.
fn map_inner(p: GraphPattern, f: impl Fn(GraphPattern) -> GraphPattern) -> GraphPattern {
    use GraphPattern as P;
    let b = |p: Box<GraphPattern>| Box::new(f(*p));
    match p {
        P::Filter { expr, inner } => P::Filter { expr, inner: b(inner) },
        P::Union { left, right } => P::Union { left: b(left), right: b(right) },
        P::Extend { inner, variable, expression } => {
            P::Extend { inner: b(inner), variable, expression }
        }
        P::Minus { left, right } => P::Minus { left: b(left), right: b(right) },
        P::OrderBy { inner, expression } => P::OrderBy { inner: b(inner), expression },
        P::Project { inner, variables } => P::Project { inner: b(inner), variables },
        P::Distinct { inner } => P::Distinct { inner: b(inner) },
        P::Reduced { inner } => P::Reduced { inner: b(inner) },
        P::Slice { inner, start, length } => P::Slice { inner: b(inner), start, length },
        P::Group { inner, variables, aggregates } => {
            P::Group { inner: b(inner), variables, aggregates }
        }
        other => other,
    }
}

/// Rewrite 6, after the others: a group of triple patterns evaluated once (not per solution of
/// a LATERAL's left side) whose only constants are vocabulary terms (classes, roles, event
/// types: [`scans_triples`]) reads whole kinds of fact, so each of its triples becomes its own
/// subquery: oxigraph then reads each property once and joins the tables by hash, where it
/// would otherwise look every property of every fact up in turn (~10 us a look-up against
/// ~1 us a scanned row). Exact: a basic graph pattern without blank nodes is the join of its
/// triples, and a triple's subquery projects all its variables.
fn tabulate(pattern: GraphPattern) -> GraphPattern {
    use GraphPattern as P;
    let b = |p: Box<GraphPattern>| Box::new(tabulate(*p));
    match pattern {
        P::Bgp { patterns } if scans_triples(&patterns) => tables(patterns),
        // The right side is evaluated once per solution of the left: it must stay look-ups.
        P::Lateral { left, right } => P::Lateral { left: b(left), right },
        P::Join { left, right } => P::Join { left: b(left), right: b(right) },
        P::LeftJoin { left, right, expression } => {
            P::LeftJoin { left: b(left), right: b(right), expression }
        }
        other => map_inner(other, tabulate),
    }
}

/// Rewrite 6 on one group of triples: each triple its own subquery, the triples of one subject
/// joined first (one row per fact, joined on the fact), then those stars, each a subquery when
/// two of them share more than one variable, so that they are joined on all they share.
/// Triple by triple, withdrawals' downgrades joined two spells on the country alone before
/// their bloc and day (512k rows in between at 100k rows, instead of 323; peak memory at 100k
/// rows 730 -> 420 MB).
fn tables(patterns: Vec<TriplePattern>) -> GraphPattern {
    use GraphPattern as P;
    let join = |left, right| P::Join { left: Box::new(left), right: Box::new(right) };
    let stars: Vec<GraphPattern> = by_subject(&patterns)
        .into_iter()
        .filter_map(|star| {
            star.into_iter().map(|t| subquery(P::Bgp { patterns: vec![t] })).reduce(join)
        })
        .collect();
    // Each star its own subquery when two stars share more than one variable: oxigraph's
    // optimizer flattens nested joins and reorders their members, and then joined the second
    // spell's triples to the first star one by one, on the country alone. Stars that share one
    // variable (a fact and its source) are left to its ordering: wrapped, events at 1M rows
    // took 50 s instead of 45.
    let shared: Vec<Vec<Variable>> = stars.iter().map(variables).collect();
    let entwined = shared.iter().enumerate().any(|(i, a)| {
        shared[i + 1..].iter().any(|b| a.iter().filter(|v| b.contains(v)).count() > 1)
    });
    stars
        .into_iter()
        .map(|star| if entwined { subquery(star) } else { star })
        .reduce(join)
        .unwrap_or(P::Bgp { patterns: Vec::new() })
}

/// Whether a triple of `p` holds a constant that selects few facts (an entity, a source, a
/// literal: not [`scans_triples`]), or `p` holds a pattern the rewrites do not look into
/// (`EXISTS`, `GRAPH`, `SERVICE`).
fn selective(p: &GraphPattern) -> bool {
    use GraphPattern as P;
    match p {
        P::Bgp { patterns } => !patterns.is_empty() && !scans_triples(patterns),
        P::Path { .. } | P::Graph { .. } | P::Service { .. } => true,
        P::Values { .. } => false,
        P::Join { left, right }
        | P::Union { left, right }
        | P::Minus { left, right }
        | P::Lateral { left, right } => selective(left) || selective(right),
        P::LeftJoin { left, right, expression } => {
            selective(left) || selective(right) || expression.as_ref().is_some_and(expr_has_exists)
        }
        P::Filter { expr, inner } => expr_has_exists(expr) || selective(inner),
        P::Extend { inner, expression, .. } => expr_has_exists(expression) || selective(inner),
        P::OrderBy { inner, .. }
        | P::Project { inner, .. }
        | P::Distinct { inner }
        | P::Reduced { inner }
        | P::Slice { inner, .. }
        | P::Group { inner, .. } => selective(inner),
    }
}

/// Triples with a fixed predicate, no blank node (a blank node ties its triples together), and
/// no constant but the vocabulary's own terms: the class of `rdf:type`, a role, an event type.
/// An entity, a source or a literal (a parameter folded in, or a constant of the text) selects
/// few facts, which look-ups find faster than a scan.
fn scans_triples(patterns: &[TriplePattern]) -> bool {
    let vocabulary = |t: &TermPattern| match t {
        TermPattern::Variable(_) => true,
        TermPattern::NamedNode(n) => n.as_str().starts_with(crate::vocab::VOCABULARY),
        _ => false,
    };
    // `?e a ?class` reads every typed node of the store, not one kind: left to the look-ups
    // its other triples drive (entities: 0.22 -> 0.60 s at 100k rows as a table).
    let any_class = |t: &TriplePattern| {
        matches!(&t.predicate, NamedNodePattern::NamedNode(n) if n.as_ref() == oxigraph::model::vocab::rdf::TYPE)
            && matches!(t.object, TermPattern::Variable(_))
    };
    !patterns.is_empty()
        && patterns.iter().all(|t| {
            matches!(t.predicate, NamedNodePattern::NamedNode(_))
                && vocabulary(&t.subject)
                && vocabulary(&t.object)
                && !any_class(t)
        })
}

/// Whether `p` is more than a single triple pattern.
fn several_triples(p: &GraphPattern) -> bool {
    !matches!(p, GraphPattern::Bgp { patterns } if patterns.len() <= 1)
}

/// Whether `p` is triple patterns one of which has an entity, a source or a fact as its
/// subject or object (an IRI outside blocgraph's vocabulary: a parameter folded in).
fn names_entity(p: &GraphPattern) -> bool {
    let entity = |t: &TermPattern| matches!(t, TermPattern::NamedNode(n) if !n.as_str().starts_with(crate::vocab::VOCABULARY));
    match p {
        GraphPattern::Bgp { patterns } => {
            patterns.iter().any(|t| entity(&t.subject) || entity(&t.object))
        }
        GraphPattern::Join { left, right } => names_entity(left) || names_entity(right),
        GraphPattern::Project { inner, .. } => names_entity(inner),
        _ => false,
    }
}

/// A UNION whose every branch is triple patterns only ([`looks_up`]): evaluated per solution
/// of the other side, it gives exactly the join's solutions, as triples do.
fn looks_up_either(p: &GraphPattern) -> bool {
    match p {
        GraphPattern::Union { left, right } => {
            (looks_up(left) || looks_up_either(left)) && (looks_up(right) || looks_up_either(right))
        }
        _ => false,
    }
}

/// Whether `p`'s required triples hold a constant subject or object (a parameter folded in),
/// other than a class: its solutions are those of one entity, few enough to look the other
/// side of a join up once each.
fn anchored(p: &GraphPattern) -> bool {
    use GraphPattern as P;
    let constant = |t: &TermPattern| !matches!(t, TermPattern::Variable(_));
    match p {
        P::Bgp { patterns } => patterns.iter().any(|t| {
            let class = matches!(&t.predicate, NamedNodePattern::NamedNode(n) if n.as_ref() == oxigraph::model::vocab::rdf::TYPE);
            !class && (constant(&t.subject) || constant(&t.object))
        }),
        P::Join { left, right } => anchored(left) || anchored(right),
        P::LeftJoin { left, .. } | P::Lateral { left, .. } => anchored(left),
        P::Filter { inner, .. } | P::Extend { inner, .. } => anchored(inner),
        _ => false,
    }
}

/// Rewrite 4 for a `right` side beyond triples (timeline's UNION of one branch per kind of
/// row, each `BIND("joins" AS ?edge)` naming the subquery's rows it joins): `right` evaluated
/// per solution of `left`, if that is exact. A `BIND` of a constant to a variable `left`
/// always binds (a key) can only keep the solutions whose key holds that constant, so it
/// becomes `FILTER(sameTerm(?key, constant))`, which the substituted solution answers; the
/// rest must be [`lateral_safe`] without those binds.
fn keyed(right: &GraphPattern, left: &GraphPattern) -> Option<GraphPattern> {
    let outer = variables(left);
    let keys: Vec<Variable> = outer.iter().filter(|v| certainly_binds(left, v)).cloned().collect();
    let without = key_binds(right, &keys, false);
    // Without a key's BIND there is nothing to check: the other rewrites' business.
    (without != *right && lateral_safe(&without, &outer)).then(|| key_binds(right, &keys, true))
}

/// `p` with each `BIND(constant AS ?key)` of a variable in `keys`, through joins, unions and
/// filters, turned into `FILTER(sameTerm(?key, constant))` (`as_check`) or dropped.
fn key_binds(p: &GraphPattern, keys: &[Variable], as_check: bool) -> GraphPattern {
    use GraphPattern as P;
    let b = |p: &GraphPattern| Box::new(key_binds(p, keys, as_check));
    match p {
        P::Extend { inner, variable, expression }
            if keys.contains(variable)
                && matches!(expression, Expression::Literal(_) | Expression::NamedNode(_)) =>
        {
            if as_check {
                P::Filter {
                    expr: Expression::SameTerm(
                        Box::new(Expression::Variable(variable.clone())),
                        Box::new(expression.clone()),
                    ),
                    inner: b(inner),
                }
            } else {
                key_binds(inner, keys, as_check)
            }
        }
        P::Extend { inner, variable, expression } => P::Extend {
            inner: b(inner),
            variable: variable.clone(),
            expression: expression.clone(),
        },
        P::Filter { expr, inner } => P::Filter { expr: expr.clone(), inner: b(inner) },
        P::Union { left, right } => P::Union { left: b(left), right: b(right) },
        P::Join { left, right } => P::Join { left: b(left), right: b(right) },
        other => other.clone(),
    }
}

/// A subquery (with the parameters' `VALUES` joined to it): its solutions are computed first.
fn drives(p: &GraphPattern) -> bool {
    match p {
        GraphPattern::Project { .. } => true,
        // Rewrite 4 already applied to it: the subquery driving its parameters' `VALUES`.
        GraphPattern::Lateral { left, right } => drives(left) && looks_up(right),
        GraphPattern::Join { left, right } => {
            (drives(left) && matches!(**right, GraphPattern::Values { .. }))
                || (drives(right) && matches!(**left, GraphPattern::Values { .. }))
        }
        _ => false,
    }
}

/// Triple patterns (and `VALUES`) only: evaluated once per solution of the other side with its
/// values substituted (a LATERAL join), they give exactly the solutions of the join (no
/// expression in them could see a variable of the other side).
fn looks_up(p: &GraphPattern) -> bool {
    match p {
        GraphPattern::Bgp { .. } | GraphPattern::Path { .. } | GraphPattern::Values { .. } => true,
        GraphPattern::Join { left, right } => looks_up(left) && looks_up(right),
        _ => false,
    }
}

/// Whether `p`, evaluated once per solution of a left side binding `outer` with that
/// solution's values substituted, gives exactly the solutions of `p` compatible with it: no
/// expression in `p` reads an outer variable that `p` does not bind first (it would see the
/// outer value where the join sees it unbound), no `BIND` assigns one, and no OPTIONAL inside
/// binds one its own left side does not (it would match where the join rejects the row).
fn lateral_safe(p: &GraphPattern, outer: &[Variable]) -> bool {
    use GraphPattern as P;
    let reads_safely = |e: &Expression, inner: &GraphPattern| {
        outer.iter().all(|v| !expr_mentions(e, v) || certainly_binds(inner, v))
    };
    match p {
        P::Bgp { .. } | P::Path { .. } | P::Values { .. } => true,
        P::Join { left, right } | P::Union { left, right } => {
            lateral_safe(left, outer) && lateral_safe(right, outer)
        }
        P::LeftJoin { left, right, expression } => {
            lateral_safe(left, outer)
                && lateral_safe(right, outer)
                && outer.iter().all(|v| !mentions(right, v) || certainly_binds(left, v))
                && expression.as_ref().is_none_or(|e| reads_safely(e, left))
        }
        // An OPTIONAL already made lateral (rewrite 5), nested in this one.
        // (Its right side sees the left side's values, the same as the outer ones where both
        // bind a variable, and is then safe for the rest.)
        P::Lateral { left, right } => {
            let rest: Vec<Variable> =
                outer.iter().filter(|v| !certainly_binds(left, v)).cloned().collect();
            lateral_safe(left, outer)
                && outer.iter().all(|v| !mentions(right, v) || certainly_binds(left, v))
                && lateral_safe(right, &rest)
        }
        P::Filter { expr, inner } => lateral_safe(inner, outer) && reads_safely(expr, inner),
        P::Extend { inner, variable, expression } => {
            !outer.contains(variable)
                && lateral_safe(inner, outer)
                && reads_safely(expression, inner)
        }
        _ => false,
    }
}

fn term_constant(term: TermPattern, env: &Env) -> TermPattern {
    match term {
        TermPattern::Variable(v) => match env.constant(&v) {
            Some(Expression::NamedNode(n)) => TermPattern::NamedNode(n.clone()),
            Some(Expression::Literal(l)) => TermPattern::Literal(l.clone()),
            _ => TermPattern::Variable(v),
        },
        other => other,
    }
}

fn boolean(b: bool) -> Expression {
    Expression::Literal(Literal::from(b))
}

/// The value of a boolean constant.
fn as_bool(e: &Expression) -> Option<bool> {
    match e {
        Expression::Literal(l) if l.datatype() == xsd::BOOLEAN => match l.value() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Whether an expression's value is always a boolean (or an error), so that `false || e`
/// may be replaced by `e` even where the value itself is used (a `BIND`).
fn is_boolean(e: &Expression) -> bool {
    use Expression as E;
    matches!(
        e,
        E::Or(..)
            | E::And(..)
            | E::Not(..)
            | E::Equal(..)
            | E::SameTerm(..)
            | E::Greater(..)
            | E::GreaterOrEqual(..)
            | E::Less(..)
            | E::LessOrEqual(..)
            | E::In(..)
            | E::Bound(..)
            | E::Exists(..)
    ) || as_bool(e).is_some()
}

/// Whether evaluating `e` is an error in every solution (it reads a parameter left unset).
fn is_error(e: &Expression, env: &Env) -> bool {
    use Expression as E;
    match e {
        E::Variable(v) => env.unbound.contains(v),
        E::Equal(a, b)
        | E::SameTerm(a, b)
        | E::Greater(a, b)
        | E::GreaterOrEqual(a, b)
        | E::Less(a, b)
        | E::LessOrEqual(a, b)
        | E::Add(a, b)
        | E::Subtract(a, b)
        | E::Multiply(a, b)
        | E::Divide(a, b) => is_error(a, env) || is_error(b, env),
        E::Or(a, b) | E::And(a, b) => is_error(a, env) && is_error(b, env),
        E::UnaryPlus(a) | E::UnaryMinus(a) | E::Not(a) | E::In(a, _) => is_error(a, env),
        E::If(c, _, _) => is_error(c, env),
        E::Coalesce(args) => args.iter().all(|a| is_error(a, env)),
        E::FunctionCall(_, args) => args.iter().any(|a| is_error(a, env)),
        E::NamedNode(_) | E::Literal(_) | E::Bound(_) | E::Exists(_) => false,
    }
}

/// Folds the run's constants into an expression (rewrite 1).
fn fold(e: Expression, env: &Env) -> Expression {
    use Expression as E;
    let f = |e: Box<Expression>| Box::new(fold(*e, env));
    match e {
        E::Variable(v) => env.constant(&v).cloned().unwrap_or(E::Variable(v)),
        E::Bound(v) if env.constant(&v).is_some() => boolean(true),
        E::Bound(v) if env.unbound.contains(&v) => boolean(false),
        E::Not(a) => {
            let a = fold(*a, env);
            match as_bool(&a) {
                Some(b) => boolean(!b),
                None => E::Not(Box::new(a)),
            }
        }
        E::Or(a, b) => {
            let (a, b) = (fold(*a, env), fold(*b, env));
            match (as_bool(&a), as_bool(&b)) {
                (Some(true), _) | (_, Some(true)) => boolean(true),
                (Some(false), _) if is_boolean(&b) => b,
                (_, Some(false)) if is_boolean(&a) => a,
                _ => E::Or(Box::new(a), Box::new(b)),
            }
        }
        E::And(a, b) => {
            let (a, b) = (fold(*a, env), fold(*b, env));
            match (as_bool(&a), as_bool(&b)) {
                (Some(false), _) | (_, Some(false)) => boolean(false),
                (Some(true), _) if is_boolean(&b) => b,
                (_, Some(true)) if is_boolean(&a) => a,
                _ => E::And(Box::new(a), Box::new(b)),
            }
        }
        E::If(c, a, b) => {
            let c = fold(*c, env);
            match as_bool(&c) {
                Some(true) => fold(*a, env),
                Some(false) => fold(*b, env),
                None => E::If(Box::new(c), f(a), f(b)),
            }
        }
        E::Coalesce(args) => {
            let mut kept = Vec::new();
            for a in args {
                let a = fold(a, env);
                if is_error(&a, env) {
                    continue;
                }
                let constant = matches!(a, E::NamedNode(_) | E::Literal(_));
                kept.push(a);
                if constant {
                    break;
                }
            }
            if kept.len() == 1 {
                kept.pop().expect("one")
            } else {
                E::Coalesce(kept)
            }
        }
        E::Equal(a, b) => {
            let (a, b) = (fold(*a, env), fold(*b, env));
            match (&a, &b) {
                (E::NamedNode(x), E::NamedNode(y)) => boolean(x == y),
                (E::Literal(x), E::Literal(y))
                    if x.datatype() == xsd::STRING && y.datatype() == xsd::STRING =>
                {
                    boolean(x.value() == y.value())
                }
                _ => E::Equal(Box::new(a), Box::new(b)),
            }
        }
        E::SameTerm(a, b) => E::SameTerm(f(a), f(b)),
        E::Greater(a, b) => E::Greater(f(a), f(b)),
        E::GreaterOrEqual(a, b) => E::GreaterOrEqual(f(a), f(b)),
        E::Less(a, b) => E::Less(f(a), f(b)),
        E::LessOrEqual(a, b) => E::LessOrEqual(f(a), f(b)),
        E::In(a, list) => E::In(f(a), list.into_iter().map(|x| fold(x, env)).collect()),
        E::Add(a, b) => E::Add(f(a), f(b)),
        E::Subtract(a, b) => E::Subtract(f(a), f(b)),
        E::Multiply(a, b) => E::Multiply(f(a), f(b)),
        E::Divide(a, b) => E::Divide(f(a), f(b)),
        E::UnaryPlus(a) => E::UnaryPlus(f(a)),
        E::UnaryMinus(a) => E::UnaryMinus(f(a)),
        E::Exists(p) => E::Exists(Box::new(fold_pattern(*p, env))),
        E::FunctionCall(name, args) => {
            E::FunctionCall(name, args.into_iter().map(|x| fold(x, env)).collect())
        }
        other @ (E::NamedNode(_) | E::Literal(_) | E::Bound(_)) => other,
    }
}

/// `?v = <iri>` (either way round, or `sameTerm`): the variable and the IRI.
fn equality(e: &Expression) -> Option<(&Variable, &NamedNode)> {
    match e {
        Expression::Equal(a, b) | Expression::SameTerm(a, b) => match (a.as_ref(), b.as_ref()) {
            (Expression::Variable(v), Expression::NamedNode(n))
            | (Expression::NamedNode(n), Expression::Variable(v)) => Some((v, n)),
            _ => None,
        },
        _ => None,
    }
}

fn conjuncts(e: &Expression, out: &mut Vec<Expression>) {
    match e {
        Expression::And(a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        other => out.push(other.clone()),
    }
}

fn disjuncts(e: &Expression, out: &mut Vec<Expression>) {
    match e {
        Expression::Or(a, b) => {
            disjuncts(a, out);
            disjuncts(b, out);
        }
        other => out.push(other.clone()),
    }
}

fn and_all(parts: Vec<Expression>) -> Option<Expression> {
    parts.into_iter().reduce(|a, b| Expression::And(Box::new(a), Box::new(b)))
}

/// Rewrites 2 and 3 for `FILTER(expr)` over `inner`; `None` when neither applies.
fn narrow_filter(expr: &Expression, inner: &GraphPattern) -> Option<GraphPattern> {
    // EXISTS reads the solution it is evaluated on, which would no longer bind the variable.
    if expr_has_exists(expr) || pattern_has_exists(inner) {
        return None;
    }
    let mut parts = Vec::new();
    conjuncts(expr, &mut parts);
    for (i, part) in parts.iter().enumerate() {
        let Some((v, iri)) = equality(part) else { continue };
        let Some(narrowed) = narrow(inner, v, iri) else { continue };
        let rest: Vec<Expression> = parts
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, e)| subst_expr(e, v, iri))
            .collect();
        let narrowed = match and_all(rest) {
            Some(expr) => GraphPattern::Filter { expr, inner: Box::new(narrowed) },
            None => narrowed,
        };
        return Some(GraphPattern::Extend {
            inner: Box::new(narrowed),
            variable: v.clone(),
            expression: Expression::NamedNode(iri.clone()),
        });
    }
    // A disjunction (beside other conditions, which every branch keeps): a branch per
    // disjunct. The first disjunction whose every disjunct narrows is split.
    parts.iter().enumerate().find_map(|(i, part)| {
        let Expression::Or(..) = part else { return None };
        let rest: Vec<Expression> =
            parts.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, e)| e.clone()).collect();
        let mut alternatives = Vec::new();
        disjuncts(part, &mut alternatives);
        let mut branches = Vec::new();
        for (k, alternative) in alternatives.iter().enumerate() {
            let mut guard: Vec<Expression> = alternatives[..k]
                .iter()
                .map(|earlier| {
                    Expression::Not(Box::new(Expression::Coalesce(vec![
                        earlier.clone(),
                        boolean(false),
                    ])))
                })
                .collect();
            guard.push(alternative.clone());
            guard.extend(rest.iter().cloned());
            let expr = and_all(guard).expect("at least the alternative");
            branches.push(narrow_filter(&expr, inner)?);
        }
        branches
            .into_iter()
            .reduce(|a, b| GraphPattern::Union { left: Box::new(a), right: Box::new(b) })
    })
}

/// The solutions of `p` where `?v` is `iri`, as a pattern in which `iri` stands for `?v` (so
/// `?v` is not bound by it); `None` when that cannot be shown exact.
fn narrow(p: &GraphPattern, v: &Variable, iri: &NamedNode) -> Option<GraphPattern> {
    use GraphPattern as P;
    match p {
        P::Bgp { .. } | P::Path { .. } if mentions(p, v) => subst(p, v, iri),
        P::Join { left, right } => {
            if !mentions(right, v) {
                Some(join(narrow(left, v, iri)?, (**right).clone()))
            } else if !mentions(left, v) {
                Some(join((**left).clone(), narrow(right, v, iri)?))
            } else if certainly_binds(left, v) {
                Some(join(narrow(left, v, iri)?, subst(right, v, iri)?))
            } else if certainly_binds(right, v) {
                Some(join(subst(left, v, iri)?, narrow(right, v, iri)?))
            } else {
                None
            }
        }
        P::LeftJoin { left, right, expression } => {
            let expression = expression.as_ref().map(|e| subst_expr(e, v, iri));
            if !mentions(right, v) {
                Some(P::LeftJoin {
                    left: Box::new(narrow(left, v, iri)?),
                    right: right.clone(),
                    expression,
                })
            } else if certainly_binds(left, v) {
                Some(P::LeftJoin {
                    left: Box::new(narrow(left, v, iri)?),
                    right: Box::new(subst(right, v, iri)?),
                    expression,
                })
            } else if !mentions(left, v) {
                // Only the OPTIONAL's matches can bind ?v: it becomes required.
                let joined = join((**left).clone(), narrow(right, v, iri)?);
                Some(match expression {
                    Some(expr) => P::Filter { expr, inner: Box::new(joined) },
                    None => joined,
                })
            } else {
                None
            }
        }
        P::Filter { expr, inner } => Some(P::Filter {
            expr: subst_expr(expr, v, iri),
            inner: Box::new(narrow(inner, v, iri)?),
        }),
        P::Extend { inner, variable, expression } if variable != v => Some(P::Extend {
            inner: Box::new(narrow(inner, v, iri)?),
            variable: variable.clone(),
            expression: subst_expr(expression, v, iri),
        }),
        P::Union { left, right } => match (mentions(left, v), mentions(right, v)) {
            (true, true) => Some(P::Union {
                left: Box::new(narrow(left, v, iri)?),
                right: Box::new(narrow(right, v, iri)?),
            }),
            // A branch that never binds ?v has no solution where it is the IRI.
            (true, false) => narrow(left, v, iri),
            (false, true) => narrow(right, v, iri),
            (false, false) => None,
        },
        _ => None,
    }
}

/// Joins two patterns, pushing `x` into the required part of `p` past OPTIONALs, BINDs and
/// FILTERs it does not interact with, so the optimizer sees it beside the required triples.
fn join(p: GraphPattern, x: GraphPattern) -> GraphPattern {
    use GraphPattern as P;
    let xv = variables(&x);
    match p {
        P::LeftJoin { left, right, expression }
            if xv.iter().all(|v| !mentions(&right, v) || certainly_binds(&left, v))
                && expression.as_ref().is_none_or(|e| {
                    xv.iter().all(|v| !expr_mentions(e, v) || certainly_binds(&left, v))
                }) =>
        {
            P::LeftJoin { left: Box::new(join(*left, x)), right, expression }
        }
        P::Extend { inner, variable, expression }
            if !xv.contains(&variable)
                && xv
                    .iter()
                    .all(|v| !expr_mentions(&expression, v) || certainly_binds(&inner, v)) =>
        {
            P::Extend { inner: Box::new(join(*inner, x)), variable, expression }
        }
        P::Filter { expr, inner }
            if xv.iter().all(|v| !expr_mentions(&expr, v) || certainly_binds(&inner, v)) =>
        {
            P::Filter { expr, inner: Box::new(join(*inner, x)) }
        }
        P::Bgp { mut patterns } if matches!(x, P::Bgp { .. }) => {
            let P::Bgp { patterns: more } = x else { unreachable!("matched above") };
            patterns.extend(more);
            P::Bgp { patterns }
        }
        P::Join { left, right } => P::Join { left, right: Box::new(join(*right, x)) },
        p => P::Join { left: Box::new(p), right: Box::new(x) },
    }
}

/// `p` with `iri` for `?v`, when that keeps exactly the solutions of `p` compatible with
/// `?v = iri` (those binding it to the IRI, or not binding it): every triple pattern with `?v`
/// required, or in an OPTIONAL whose required part binds `?v`; every expression reading `?v`
/// over a pattern that binds it. `None` otherwise.
fn subst(p: &GraphPattern, v: &Variable, iri: &NamedNode) -> Option<GraphPattern> {
    use GraphPattern as P;
    if !mentions(p, v) {
        return Some(p.clone());
    }
    let term = |t: &TermPattern| match t {
        TermPattern::Variable(x) if x == v => TermPattern::NamedNode(iri.clone()),
        other => other.clone(),
    };
    Some(match p {
        P::Bgp { patterns } => P::Bgp {
            patterns: patterns
                .iter()
                .map(|t| TriplePattern {
                    subject: term(&t.subject),
                    predicate: match &t.predicate {
                        NamedNodePattern::Variable(x) if x == v => {
                            NamedNodePattern::NamedNode(iri.clone())
                        }
                        other => other.clone(),
                    },
                    object: term(&t.object),
                })
                .collect(),
        },
        P::Path { subject, path, object } => {
            P::Path { subject: term(subject), path: path.clone(), object: term(object) }
        }
        P::Join { left, right } => {
            P::Join { left: Box::new(subst(left, v, iri)?), right: Box::new(subst(right, v, iri)?) }
        }
        P::Union { left, right } => P::Union {
            left: Box::new(subst(left, v, iri)?),
            right: Box::new(subst(right, v, iri)?),
        },
        P::LeftJoin { left, right, expression } => {
            if !certainly_binds(left, v)
                && (mentions(right, v) || expression.as_ref().is_some_and(|e| expr_mentions(e, v)))
            {
                return None;
            }
            P::LeftJoin {
                left: Box::new(subst(left, v, iri)?),
                right: Box::new(subst(right, v, iri)?),
                expression: expression.as_ref().map(|e| subst_expr(e, v, iri)),
            }
        }
        P::Filter { expr, inner } => {
            if expr_mentions(expr, v) && !certainly_binds(inner, v) {
                return None;
            }
            P::Filter { expr: subst_expr(expr, v, iri), inner: Box::new(subst(inner, v, iri)?) }
        }
        P::Extend { inner, variable, expression } if variable != v => {
            if expr_mentions(expression, v) && !certainly_binds(inner, v) {
                return None;
            }
            P::Extend {
                inner: Box::new(subst(inner, v, iri)?),
                variable: variable.clone(),
                expression: subst_expr(expression, v, iri),
            }
        }
        P::Distinct { inner } => P::Distinct { inner: Box::new(subst(inner, v, iri)?) },
        _ => return None,
    })
}

/// `e` with `iri` for `?v`: rewrite 1's folding, for that one value.
fn subst_expr(e: &Expression, v: &Variable, iri: &NamedNode) -> Expression {
    let one = Env {
        bound: vec![(v.clone(), Expression::NamedNode(iri.clone()))],
        unbound: HashSet::new(),
    };
    fold(e.clone(), &one)
}

/// Whether `?v` occurs in `p` (its patterns or expressions, subqueries included).
fn mentions(p: &GraphPattern, v: &Variable) -> bool {
    let mut found = false;
    p.on_in_scope_variable(|x| found |= x == v);
    found || pattern_expr_mentions(p, v)
}

/// Whether an expression of `p` (a FILTER, BIND, OPTIONAL condition, ORDER BY or aggregate,
/// at any depth) reads `?v`.
fn pattern_expr_mentions(p: &GraphPattern, v: &Variable) -> bool {
    use GraphPattern as P;
    match p {
        P::Bgp { .. } | P::Path { .. } | P::Values { .. } => false,
        P::Join { left, right }
        | P::Union { left, right }
        | P::Minus { left, right }
        | P::Lateral { left, right } => {
            pattern_expr_mentions(left, v) || pattern_expr_mentions(right, v)
        }
        P::LeftJoin { left, right, expression } => {
            pattern_expr_mentions(left, v)
                || pattern_expr_mentions(right, v)
                || expression.as_ref().is_some_and(|e| expr_mentions(e, v))
        }
        P::Filter { expr, inner } => expr_mentions(expr, v) || pattern_expr_mentions(inner, v),
        P::Extend { inner, expression, .. } => {
            expr_mentions(expression, v) || pattern_expr_mentions(inner, v)
        }
        P::OrderBy { inner, expression } => {
            pattern_expr_mentions(inner, v)
                || expression.iter().any(|o| match o {
                    OrderExpression::Asc(e) | OrderExpression::Desc(e) => expr_mentions(e, v),
                })
        }
        P::Group { inner, aggregates, .. } => {
            pattern_expr_mentions(inner, v)
                || aggregates.iter().any(|(_, a)| match a {
                    AggregateExpression::FunctionCall { expr, .. } => expr_mentions(expr, v),
                    AggregateExpression::CountSolutions { .. } => false,
                })
        }
        P::Project { inner, .. }
        | P::Distinct { inner }
        | P::Reduced { inner }
        | P::Slice { inner, .. }
        | P::Graph { inner, .. }
        | P::Service { inner, .. } => pattern_expr_mentions(inner, v),
    }
}

fn expr_mentions(e: &Expression, v: &Variable) -> bool {
    match e {
        Expression::Variable(x) | Expression::Bound(x) => x == v,
        Expression::Exists(p) => mentions(p, v),
        _ => operands(e).into_iter().any(|x| expr_mentions(x, v)),
    }
}

/// The expressions an expression applies its operator or function to (none for a term, a
/// variable, `BOUND` or `EXISTS`).
fn operands(e: &Expression) -> Vec<&Expression> {
    use Expression as E;
    match e {
        E::Variable(_) | E::Bound(_) | E::NamedNode(_) | E::Literal(_) | E::Exists(_) => Vec::new(),
        E::Or(a, b)
        | E::And(a, b)
        | E::Equal(a, b)
        | E::SameTerm(a, b)
        | E::Greater(a, b)
        | E::GreaterOrEqual(a, b)
        | E::Less(a, b)
        | E::LessOrEqual(a, b)
        | E::Add(a, b)
        | E::Subtract(a, b)
        | E::Multiply(a, b)
        | E::Divide(a, b) => vec![a, b],
        E::In(a, list) => std::iter::once(&**a).chain(list).collect(),
        E::UnaryPlus(a) | E::UnaryMinus(a) | E::Not(a) => vec![a],
        E::If(a, b, c) => vec![a, b, c],
        E::Coalesce(args) | E::FunctionCall(_, args) => args.iter().collect(),
    }
}

/// Whether every solution of `p` binds `?v`.
fn certainly_binds(p: &GraphPattern, v: &Variable) -> bool {
    use GraphPattern as P;
    match p {
        P::Bgp { .. } | P::Path { .. } => mentions(p, v),
        P::Join { left, right } | P::Lateral { left, right } => {
            certainly_binds(left, v) || certainly_binds(right, v)
        }
        P::LeftJoin { left, .. } | P::Minus { left, .. } => certainly_binds(left, v),
        P::Filter { inner, .. }
        | P::OrderBy { inner, .. }
        | P::Distinct { inner }
        | P::Reduced { inner }
        | P::Slice { inner, .. } => certainly_binds(inner, v),
        // A constant never fails to bind; another expression may raise an error and leave
        // its variable unbound.
        P::Extend { inner, variable, expression } => {
            if variable == v {
                matches!(expression, Expression::Literal(_) | Expression::NamedNode(_))
            } else {
                certainly_binds(inner, v)
            }
        }
        P::Union { left, right } => certainly_binds(left, v) && certainly_binds(right, v),
        P::Project { inner, variables } => variables.contains(v) && certainly_binds(inner, v),
        P::Group { inner, variables, .. } => variables.contains(v) && certainly_binds(inner, v),
        P::Values { variables, bindings } => variables
            .iter()
            .position(|x| x == v)
            .is_some_and(|i| bindings.iter().all(|row| row.get(i).is_some_and(Option::is_some))),
        _ => false,
    }
}

/// The variables `p` can bind.
fn variables(p: &GraphPattern) -> Vec<Variable> {
    let mut out: Vec<Variable> = Vec::new();
    p.on_in_scope_variable(|v| {
        if !out.contains(v) {
            out.push(v.clone());
        }
    });
    out
}

/// Whether the query binds `?v` itself anywhere (so an unset parameter of that name is not
/// simply unbound).
fn binds_somewhere(p: &GraphPattern, v: &Variable) -> bool {
    use GraphPattern as P;
    let mut found = false;
    p.on_in_scope_variable(|x| found |= x == v);
    if found {
        return true;
    }
    match p {
        P::Join { left, right }
        | P::Union { left, right }
        | P::Minus { left, right }
        | P::Lateral { left, right }
        | P::LeftJoin { left, right, .. } => binds_somewhere(left, v) || binds_somewhere(right, v),
        P::Filter { inner, .. }
        | P::Extend { inner, .. }
        | P::OrderBy { inner, .. }
        | P::Project { inner, .. }
        | P::Distinct { inner }
        | P::Reduced { inner }
        | P::Slice { inner, .. }
        | P::Group { inner, .. }
        | P::Graph { inner, .. }
        | P::Service { inner, .. } => binds_somewhere(inner, v),
        _ => false,
    }
}

fn expr_has_exists(e: &Expression) -> bool {
    matches!(e, Expression::Exists(_)) || operands(e).into_iter().any(expr_has_exists)
}

fn pattern_has_exists(p: &GraphPattern) -> bool {
    use GraphPattern as P;
    match p {
        P::Bgp { .. } | P::Path { .. } | P::Values { .. } => false,
        P::Join { left, right }
        | P::Union { left, right }
        | P::Minus { left, right }
        | P::Lateral { left, right } => pattern_has_exists(left) || pattern_has_exists(right),
        P::LeftJoin { left, right, expression } => {
            pattern_has_exists(left)
                || pattern_has_exists(right)
                || expression.as_ref().is_some_and(expr_has_exists)
        }
        P::Filter { expr, inner } => expr_has_exists(expr) || pattern_has_exists(inner),
        P::Extend { inner, expression, .. } => {
            expr_has_exists(expression) || pattern_has_exists(inner)
        }
        P::OrderBy { inner, .. }
        | P::Project { inner, .. }
        | P::Distinct { inner }
        | P::Reduced { inner }
        | P::Slice { inner, .. }
        | P::Group { inner, .. }
        | P::Graph { inner, .. }
        | P::Service { inner, .. } => pattern_has_exists(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The triples of a `SELECT * WHERE { ... }`'s group.
    fn triples(body: &str) -> Vec<TriplePattern> {
        let text = format!("PREFIX bg: <https://blocgraph.org/ns#> SELECT * WHERE {{ {body} }}");
        let query = spargebra::SparqlParser::new().parse_query(&text).expect("parses");
        let spargebra::Query::Select { pattern, .. } = query else { panic!("a SELECT") };
        let GraphPattern::Project { inner, .. } = pattern else { panic!("projected") };
        let GraphPattern::Bgp { patterns } = *inner else { panic!("one group of triples") };
        patterns
    }

    /// How many subqueries sit directly under the joins of `p` (a star wrapped whole).
    fn wrapped_stars(p: &GraphPattern) -> usize {
        match p {
            GraphPattern::Join { left, right } => wrapped_stars(left) + wrapped_stars(right),
            GraphPattern::Project { inner, .. } => {
                usize::from(!matches!(**inner, GraphPattern::Bgp { .. }))
            }
            _ => 0,
        }
    }

    /// Two spells joined on country, bloc and day are each a subquery (so they are joined on
    /// all three at once); a fact and its source, which share one variable, are left to
    /// oxigraph's ordering.
    #[test]
    fn tables_wrap_stars_only_when_they_share_several_variables() {
        let spells = triples(
            "?m bg:country ?c ; bg:bloc ?b ; bg:endDay ?d . ?n bg:country ?c ; bg:bloc ?b ; bg:startDay ?d",
        );
        assert_eq!(wrapped_stars(&tables(spells)), 2);
        let event = triples("?f bg:actor ?a ; bg:date ?d ; bg:source ?s . ?s bg:id ?sid");
        assert_eq!(wrapped_stars(&tables(event)), 0);
    }
}
