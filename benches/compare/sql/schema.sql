-- The eight record kinds of DOMAIN.md section 2, with explicit types.
-- Money stays exact: DECIMAL(18,2) yuan, turned into integer fen where figures are compared.
CREATE TABLE staff (
    staff_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, department VARCHAR NOT NULL,
    role VARCHAR, active_from DATE NOT NULL, active_to DATE);
CREATE TABLE customers (
    customer_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, phone VARCHAR, family_id VARCHAR,
    tags VARCHAR, created_on DATE NOT NULL, contact_consent BOOLEAN);
CREATE TABLE sales (
    sale_id VARCHAR PRIMARY KEY, customer_id VARCHAR NOT NULL, vin VARCHAR,
    delivered_at TIMESTAMP NOT NULL, consultant_id VARCHAR, amount DECIMAL(18,2) NOT NULL,
    referrer_id VARCHAR);
CREATE TABLE service_orders (
    order_id VARCHAR PRIMARY KEY, customer_id VARCHAR NOT NULL, vin VARCHAR,
    opened_at TIMESTAMP NOT NULL, closed_at TIMESTAMP, revenue DECIMAL(18,2) NOT NULL,
    advisor_id VARCHAR, followup_consent BOOLEAN);
CREATE TABLE insurance (
    policy_id VARCHAR PRIMARY KEY, customer_id VARCHAR NOT NULL, start_on DATE NOT NULL,
    referrer_id VARCHAR);
CREATE TABLE contacts (
    attempt_id VARCHAR PRIMARY KEY, customer_id VARCHAR NOT NULL, "at" TIMESTAMP NOT NULL,
    channel VARCHAR NOT NULL, staff_id VARCHAR, purpose VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL, note VARCHAR, reason VARCHAR);
CREATE TABLE surveys (
    survey_id VARCHAR PRIMARY KEY, attempt_id VARCHAR, customer_id VARCHAR NOT NULL,
    "at" TIMESTAMP NOT NULL, subject_department VARCHAR NOT NULL, overall INTEGER NOT NULL,
    issues VARCHAR, comment VARCHAR);
CREATE TABLE survey_answers (
    survey_id VARCHAR NOT NULL, question VARCHAR NOT NULL, score INTEGER NOT NULL,
    PRIMARY KEY (survey_id, question));
