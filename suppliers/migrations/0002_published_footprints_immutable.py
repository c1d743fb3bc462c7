"""On PostgreSQL, a published (or deprecated) footprint, its precursors and its evidence can
never change: the database refuses UPDATE and DELETE itself, so that not even raw SQL can
alter signed data. The one move allowed is published -> deprecated, touching nothing else."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION suppliers_footprint_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status IN ('published', 'deprecated') THEN
            RAISE EXCEPTION 'footprint % is published and immutable (DELETE refused)', OLD.id;
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status IN ('published', 'deprecated') THEN
        IF OLD.status = 'published' AND NEW.status = 'deprecated'
           AND (to_jsonb(NEW) - 'status' - 'deprecated_at' - 'updated_at')
             = (to_jsonb(OLD) - 'status' - 'deprecated_at' - 'updated_at') THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'footprint % is published and immutable (UPDATE refused)', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER suppliers_footprint_immutable
    BEFORE UPDATE OR DELETE ON suppliers_footprint
    FOR EACH ROW EXECUTE FUNCTION suppliers_footprint_immutable();

CREATE OR REPLACE FUNCTION suppliers_footprint_child_immutable() RETURNS trigger AS $$
DECLARE
    parent_status text;
BEGIN
    SELECT status INTO parent_status FROM suppliers_footprint
        WHERE id = (CASE WHEN TG_OP = 'INSERT' THEN NEW.footprint_id ELSE OLD.footprint_id END);
    IF parent_status IN ('published', 'deprecated') THEN
        RAISE EXCEPTION '% of a published footprint refused on %', TG_OP, TG_TABLE_NAME;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER suppliers_footprintprecursor_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON suppliers_footprintprecursor
    FOR EACH ROW EXECUTE FUNCTION suppliers_footprint_child_immutable();
CREATE TRIGGER suppliers_evidencefile_immutable
    BEFORE UPDATE OR DELETE ON suppliers_evidencefile
    FOR EACH ROW EXECUTE FUNCTION suppliers_footprint_child_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS suppliers_evidencefile_immutable ON suppliers_evidencefile;
DROP TRIGGER IF EXISTS suppliers_footprintprecursor_immutable ON suppliers_footprintprecursor;
DROP TRIGGER IF EXISTS suppliers_footprint_immutable ON suppliers_footprint;
DROP FUNCTION IF EXISTS suppliers_footprint_child_immutable();
DROP FUNCTION IF EXISTS suppliers_footprint_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
