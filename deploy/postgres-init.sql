-- One database per service (docker-compose's PostgreSQL runs this on first start).
CREATE DATABASE order_review;
CREATE DATABASE picking_packing;
CREATE DATABASE shipping_labels;
CREATE DATABASE after_sales;
CREATE DATABASE staff_performance;
CREATE DATABASE customer_retention;
CREATE DATABASE identity;
