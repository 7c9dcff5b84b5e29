//! The explorer page: static HTML, CSS and plain JavaScript compiled into the binary (no CDN, no
//! build step), drawing the graph as SVG from the JSON API.

use super::http::Response;

const INDEX: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/explorer.js");
const STYLE: &str = include_str!("page/explorer.css");

/// `GET /`: the page (its state comes from its own URL, read by the script).
pub fn index() -> Response {
    Response::new(200, "text/html; charset=utf-8", INDEX)
        .with_header(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'",
        )
        .with_header("X-Content-Type-Options", "nosniff")
}

/// `GET /assets/NAME`: the page's script and style sheet.
pub fn asset(path: &str) -> Response {
    let (content_type, body) = match path {
        "/assets/explorer.js" => ("text/javascript; charset=utf-8", SCRIPT),
        "/assets/explorer.css" => ("text/css; charset=utf-8", STYLE),
        other => return Response::error(404, format!("no such asset {other:?}")),
    };
    Response::new(200, content_type, body)
        .with_header("X-Content-Type-Options", "nosniff")
        .with_header("Cache-Control", "no-cache")
}
