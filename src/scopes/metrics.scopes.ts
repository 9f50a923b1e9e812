import { defineScope } from './scope-definition.js';

export const MetricsScopes = {
  // The metrics name every organization with its figures, so no permission grants this scope:
  // the root client holds it and can give it to a scraper's client.
  read: defineScope('metrics:read', 'Scrape the Prometheus metrics, which cover every organization (root only in practice: no permission grants it)'),
};
