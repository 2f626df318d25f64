-- The schema-object torture database (issue 13): every item of the issue that MariaDB 10.11 can hold,
-- migrated MariaDB -> MariaDB by tests/e2e/torture_e2e.sh. Run in database e2e_torture, created
-- CHARACTER SET latin1 COLLATE latin1_swedish_ci by the test (database defaults are part of it).

-- Columns: generated (VIRTUAL and STORED, one over an ordinary column each), INVISIBLE, CHECKs
-- (table-level and MariaDB's column-level JSON one), comments with quotes, unsigned extremes,
-- every default form, ON UPDATE, MariaDB-only types; the table's charset comes from the database.
CREATE TABLE t_columns (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'the key''s comment',
  ti TINYINT UNSIGNED NOT NULL DEFAULT 255,
  si SMALLINT NOT NULL DEFAULT -32768,
  bu BIGINT UNSIGNED NOT NULL DEFAULT 18446744073709551615,
  bs BIGINT NOT NULL DEFAULT -9223372036854775808,
  z INT(6) UNSIGNED ZEROFILL DEFAULT 42,
  dec_max DECIMAL(65,30) DEFAULT -0.5,
  f FLOAT DEFAULT 1e3,
  b BIT(5) DEFAULT b'10101',
  y YEAR DEFAULT 2155,
  e ENUM('a', 'x''y', 'unsigned') DEFAULT 'x''y',
  s SET('p', 'q', 'r') DEFAULT 'p,r',
  name VARCHAR(40) NOT NULL DEFAULT '',
  name_de VARCHAR(40) CHARACTER SET latin1 COLLATE latin1_german1_ci,
  j JSON,
  u UUID DEFAULT '00000000-0000-0000-0000-000000000001',
  ip INET6,
  d DATE DEFAULT '0000-00-00',
  dt DATETIME(3) DEFAULT '2038-01-19 03:14:07.999',
  ts TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  expr_default VARCHAR(20) DEFAULT (CONCAT('id-', 'x')),
  secret VARCHAR(20) INVISIBLE DEFAULT 'hidden',
  name_upper VARCHAR(40) AS (UPPER(name)) VIRTUAL,
  total DECIMAL(20,2) AS (CAST(ti AS SIGNED) + si) PERSISTENT,
  PRIMARY KEY (id),
  CONSTRAINT chk_ti CHECK (ti > 0),
  CONSTRAINT `chk weird ``name``` CHECK (name <> 'forbidden' OR si < 0)
) COMMENT = 'columns: it''s all here';

-- Index forms: USING BTREE / USING HASH as written (and none where none was written), prefix,
-- DESC, unique, MariaDB long unique (HASH over TEXT), FULLTEXT, SPATIAL with a REF_SYSTEM_ID,
-- index comments, names that need quoting, indexes the optimizer ignores (MariaDB 10.6+ IGNORED).
CREATE TABLE t_indexes (
  id INT NOT NULL,
  a INT NOT NULL,
  b VARCHAR(100),
  c TEXT,
  g GEOMETRY REF_SYSTEM_ID=4326 NOT NULL,
  `we``ird, (x)` INT,
  PRIMARY KEY (id) USING BTREE,
  UNIQUE KEY u_a (a) USING BTREE,
  KEY k_hash (a) USING HASH,
  KEY k_plain (b(10) DESC, a),
  KEY `k,(weird)` (`we``ird, (x)`) COMMENT 'KEY `fake` (a) USING HASH',
  KEY k_ignored (b(5), id) COMMENT 'kept for a rollback' IGNORED,
  UNIQUE KEY u_ignored (a, id) IGNORED,
  UNIQUE KEY u_long (c),
  FULLTEXT KEY ft (b, c),
  SPATIAL KEY sp (g)
) ENGINE = InnoDB;

-- A MEMORY table: its keys are HASH without a clause (nothing may be added), one BTREE with it.
CREATE TABLE t_memory (
  id INT NOT NULL,
  v VARCHAR(10),
  PRIMARY KEY (id),
  KEY k_v (v),
  KEY k_v_btree (v) USING BTREE
) ENGINE = MEMORY;

-- Foreign keys with every rule, RESTRICT written and not, over a composite key.
CREATE TABLE t_parent (
  id INT PRIMARY KEY,
  k1 INT NOT NULL,
  k2 INT NOT NULL,
  UNIQUE KEY uk (k1, k2)
);
CREATE TABLE t_child (
  id INT PRIMARY KEY,
  p_default INT,
  p_restrict INT,
  p_no_action INT,
  p_cascade INT,
  p_set_null INT,
  k1 INT,
  k2 INT,
  CONSTRAINT f_default FOREIGN KEY (p_default) REFERENCES t_parent (id),
  CONSTRAINT f_restrict FOREIGN KEY (p_restrict) REFERENCES t_parent (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  CONSTRAINT f_no_action FOREIGN KEY (p_no_action) REFERENCES t_parent (id) ON DELETE NO ACTION ON UPDATE NO ACTION,
  CONSTRAINT f_cascade FOREIGN KEY (p_cascade) REFERENCES t_parent (id) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT f_set_null FOREIGN KEY (p_set_null) REFERENCES t_parent (id) ON DELETE SET NULL,
  CONSTRAINT f_composite FOREIGN KEY (k1, k2) REFERENCES t_parent (k1, k2) ON UPDATE CASCADE
);

-- AUTO_INCREMENT near 2^64 on BIGINT UNSIGNED.
CREATE TABLE t_big (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  v VARCHAR(5)
) AUTO_INCREMENT = 18446744073709551000;

-- ucs2 / utf16 / utf16le / utf32 columns: the script CASTs them to utf8mb4, the bytes are converted.
CREATE TABLE t_wide (
  id INT PRIMARY KEY,
  u2 VARCHAR(20) CHARACTER SET ucs2,
  u16 VARCHAR(20) CHARACTER SET utf16,
  u16le VARCHAR(20) CHARACTER SET utf16le,
  u32 VARCHAR(20) CHARACTER SET utf32
);

-- Not migrated (refused with the reason): a system-versioned table.
CREATE TABLE t_hist (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING;

-- Other objects: a sequence, a view over a view, a trigger, a procedure, a function, an event.
CREATE SEQUENCE s_ticket START WITH 1000 INCREMENT BY 10;
CREATE VIEW v_names AS SELECT id, name, ti FROM t_columns;
CREATE VIEW v_names_big AS SELECT id, name FROM v_names WHERE ti > 100;
CREATE TABLE t_audit (id INT AUTO_INCREMENT PRIMARY KEY, parent_id INT NOT NULL, what VARCHAR(10));
CREATE TRIGGER t_parent_ai AFTER INSERT ON t_parent FOR EACH ROW INSERT INTO t_audit (parent_id, what) VALUES (NEW.id, 'insert');
CREATE FUNCTION parent_count() RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM t_parent);
CREATE PROCEDURE add_parent(i INT) MODIFIES SQL DATA INSERT INTO t_parent VALUES (i, i, i);
CREATE EVENT e_cleanup ON SCHEDULE EVERY 1 DAY STARTS '2035-01-01 00:00:00' DO DELETE FROM t_audit WHERE what = 'old';

-- Rows, extremes included.
INSERT INTO t_columns (ti, si, bu, bs, z, dec_max, f, b, y, e, s, name, name_de, j, u, ip, d, dt, expr_default, secret)
VALUES (255, -32768, 18446744073709551615, -9223372036854775808, 1, 99999999999999999999999999999999999.999999999999999999999999999999,
        -1.5, b'11111', 1901, 'unsigned', 'q', 'Ä name', 'Müller', '{"k": [1, "two"]}', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
        '::ffff:10.0.0.1', '0000-00-00', '1000-01-01 00:00:00.000', 'given', 'shh'),
       (1, -1, 0, 9223372036854775807, NULL, NULL, NULL, NULL, NULL, NULL, '', 'forbidden', 'Myller', NULL, NULL, NULL, NULL, NULL, NULL, DEFAULT);
INSERT INTO t_indexes VALUES (1, 10, 'alpha beta', 'long text one', ST_GeomFromText('POINT(1 2)', 4326), 7),
                             (2, 20, 'gamma', 'long text two', ST_GeomFromText('POINT(3 4)'), NULL);
INSERT INTO t_memory VALUES (1, 'm1'), (2, 'm2'), (3, NULL);
INSERT INTO t_parent VALUES (1, 1, 1), (2, 2, 2), (3, 3, 3);
INSERT INTO t_child VALUES (1, 1, 1, 1, 1, 1, 1, 1), (2, 2, 2, 2, 2, 2, 2, 2), (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO t_big (v) VALUES ('a'), ('b');
INSERT INTO t_wide VALUES (1, 'abc', 'abc', 'abc', 'abc'), (2, 'äöü ß', '🌍 𝄞 中文', 'é€', '𝄞 z'), (3, '', '', '', ''),
                          (4, NULL, NULL, NULL, NULL);
INSERT INTO t_hist VALUES (1, 1);
UPDATE t_hist SET v = 2 WHERE id = 1;
