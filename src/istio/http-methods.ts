/**
 * HTTP methods from the IANA method registry (RFC 9110, PATCH, WebDAV and friends), plus PURGE, which
 * HTTP caches use. Envoy matches `:method` case-sensitively, and clients send these in upper case.
 */
export const KNOWN_HTTP_METHODS: readonly string[] = [
  'ACL', 'BASELINE-CONTROL', 'BIND', 'CHECKIN', 'CHECKOUT', 'CONNECT', 'COPY', 'DELETE', 'GET', 'HEAD', 'LABEL', 'LINK',
  'LOCK', 'MERGE', 'MKACTIVITY', 'MKCALENDAR', 'MKCOL', 'MKREDIRECTREF', 'MKWORKSPACE', 'MOVE', 'OPTIONS', 'ORDERPATCH',
  'PATCH', 'POST', 'PROPFIND', 'PURGE', 'PROPPATCH', 'PUT', 'QUERY', 'REBIND', 'REPORT', 'SEARCH', 'TRACE', 'UNBIND', 'UNCHECKOUT',
  'UNLINK', 'UNLOCK', 'UPDATE', 'UPDATEREDIRECTREF', 'VERSION-CONTROL',
];
