-- Seed data for samples/quickstart.omsql: a small shop and a CRM, with the value kinds a migration
-- must carry exactly (NULL vs '', utf8mb4, DECIMAL, temporal fractions, ENUM/SET, JSON, BLOB, BIT).
-- The text below is UTF-8 with 4-byte characters: say so, whatever the client's default character set
-- is (latin1 under LANG=C, utf8mb3 under C.UTF-8 for the 10.11 client; both would corrupt or refuse it).
SET NAMES utf8mb4;
CREATE DATABASE IF NOT EXISTS shop CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS crm CHARACTER SET utf8mb4;
USE shop;

CREATE TABLE shop.customers (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(190) NOT NULL,
  full_name VARCHAR(200) NOT NULL COMMENT 'as typed by the customer',
  phone VARCHAR(32) NULL,
  password_hash VARBINARY(64) NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY uk_email (email),
  KEY idx_name (full_name(20))
) ENGINE=InnoDB COMMENT='shop customers';

CREATE TABLE shop.products (
  sku CHAR(12) NOT NULL PRIMARY KEY,
  title VARCHAR(255) NOT NULL,
  price DECIMAL(12,2) NOT NULL,
  weight_kg DOUBLE NULL,
  tags SET('new','sale','eco') NOT NULL DEFAULT '',
  attributes JSON NULL,
  image BLOB NULL,
  flags BIT(8) NOT NULL DEFAULT b'0'
);

CREATE TABLE shop.orders (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id INT UNSIGNED NOT NULL,
  status ENUM('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new',
  amt DECIMAL(14,4) NOT NULL,
  note TEXT NULL,
  created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY idx_customer (customer_id, created_at),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES shop.customers (id)
);

CREATE TABLE shop.order_items (
  order_id BIGINT NOT NULL,
  line_no SMALLINT UNSIGNED NOT NULL,
  sku CHAR(12) NOT NULL,
  quantity INT NOT NULL,
  PRIMARY KEY (order_id, line_no),
  KEY idx_sku (sku)
);

CREATE TABLE crm.contacts (
  contact_id INT NOT NULL PRIMARY KEY,
  customer_email VARCHAR(190) NOT NULL,
  channel VARCHAR(16) NOT NULL,
  last_contact DATE NULL,
  notes MEDIUMTEXT NULL
);

CREATE TABLE crm.events (
  -- no primary key: copied as one streamed chunk
  happened_at DATETIME NOT NULL,
  kind VARCHAR(32) NOT NULL,
  payload VARCHAR(255) NULL
);

INSERT INTO shop.customers (id, email, full_name, phone, password_hash, created_at)
SELECT seq, CONCAT('user', seq, '@example.com'),
       CASE seq % 4 WHEN 0 THEN CONCAT('Zoë Łukasiewicz ', seq) WHEN 1 THEN CONCAT('山田 太郎 ', seq)
                    WHEN 2 THEN CONCAT('Ana 🌍 ', seq) ELSE CONCAT('O''Brien ', seq) END,
       CASE WHEN seq % 7 = 0 THEN NULL WHEN seq % 7 = 1 THEN '' ELSE CONCAT('+49 30 ', seq) END,
       UNHEX(SHA2(seq, 256)),
       TIMESTAMP('2024-01-01 00:00:00') + INTERVAL seq SECOND + INTERVAL (seq % 1000000) MICROSECOND
FROM seq_1_to_20000;

INSERT INTO shop.products
SELECT LPAD(seq, 12, 'P'), CONCAT('Product ', seq), seq * 1.25, CASE WHEN seq % 5 = 0 THEN NULL ELSE seq / 3 END,
       ELT(1 + seq % 4, '', 'new', 'sale,eco', 'new,sale,eco'),
       JSON_OBJECT('color', ELT(1 + seq % 3, 'red', 'green', 'blue'), 'size', seq % 50),
       CASE WHEN seq % 10 = 0 THEN NULL ELSE UNHEX(REPEAT(LPAD(HEX(seq % 256), 2, '0'), 16)) END,
       seq % 256
FROM seq_1_to_2000;

INSERT INTO shop.orders (id, customer_id, status, amt, note, created_at)
SELECT seq, 1 + seq % 20000, ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'cancelled'), seq * 0.0125,
       CASE WHEN seq % 3 = 0 THEN NULL WHEN seq % 3 = 1 THEN '' ELSE 'NULL' END,
       TIMESTAMP('2024-06-01 00:00:00') + INTERVAL seq MINUTE
FROM seq_1_to_100000;

INSERT INTO shop.order_items SELECT 1 + seq DIV 3, seq % 3, LPAD(1 + seq % 2000, 12, 'P'), 1 + seq % 5
FROM seq_0_to_299999;

INSERT INTO crm.contacts SELECT seq, CONCAT('user', seq, '@example.com'), ELT(1 + seq % 3, 'mail', 'phone', 'chat'),
       CASE WHEN seq % 2 = 0 THEN NULL ELSE DATE('2024-01-01') + INTERVAL seq % 365 DAY END, REPEAT('x', seq % 100)
FROM seq_1_to_5000;

INSERT INTO crm.events SELECT TIMESTAMP('2024-01-01') + INTERVAL seq MINUTE, ELT(1 + seq % 2, 'open', 'click'),
       CASE WHEN seq % 4 = 0 THEN NULL ELSE CONCAT('{"n":', seq, '}') END
FROM seq_1_to_3000;
