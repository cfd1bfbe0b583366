from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0016_search_hosts')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Version',
            name='earlier_windows',
            field=fields.JSONField(default=dict, description="earlier versions' consultation windows at publication: closed and kept open (versi lists)", encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Version',
            name='sequence',
            field=fields.IntField(default=0, description="place among the regulation's versions: 1, 2, 3 in the order of publication"),
        ),
        # Existing versions follow each other in the order they were published (then by id).
        ops.RunSQL(
            "UPDATE version SET sequence = (SELECT COUNT(*) FROM version AS earlier"
            " WHERE earlier.regulation_id = version.regulation_id"
            " AND (earlier.published_at < version.published_at"
            " OR (earlier.published_at = version.published_at AND earlier.id <= version.id)))",
            reverse_sql=ops.RunSQL.noop,
        ),
        ops.AddConstraint(
            model_name='Version',
            constraint=UniqueConstraint(fields=('regulation', 'sequence'), name=None),
        ),
    ]
