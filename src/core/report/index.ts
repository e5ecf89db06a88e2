export { buildAuditReport, type AuditReport, type AuditReportInput, type AuditReportJson } from './audit-report';
