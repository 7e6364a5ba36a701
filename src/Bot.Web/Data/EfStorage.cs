using System.Globalization;
using Microsoft.Bot.Builder;
using Microsoft.EntityFrameworkCore;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Bot.Web.Data;

/// <summary>Raised when a state write finds that another turn changed the same key since it was read.</summary>
public sealed class StateConflictException(string key)
    : Exception($"State '{key}' was changed by another turn since it was read; this write was rejected.")
{
    public string Key { get; } = key;
}

/// <summary>
/// Bot Builder <see cref="IStorage"/> over EF Core with optimistic concurrency. Every row carries a version;
/// what is read comes back with its version as <c>eTag</c>, and a write succeeds only if the row still has that
/// version (or does not exist yet, for an item read as absent). <c>"*"</c> overwrites unconditionally.
/// A lost race raises <see cref="StateConflictException"/>: it is detected, never silently overwritten.
/// Values are stored as plain JSON (no type names: no deserialisation gadgets from the database).
/// </summary>
public sealed class EfStorage(IDbContextFactory<BotDbContext> factory, TimeProvider clock) : IStorage
{
    private const string ETagKey = "eTag";
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(new JsonSerializerSettings
    {
        TypeNameHandling = TypeNameHandling.None,
        NullValueHandling = NullValueHandling.Ignore,
    });

    public async Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var result = new Dictionary<string, object>();
        if (keys.Length == 0) return result;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.State.AsNoTracking().Where(s => keys.Contains(s.Key)).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            var item = JObject.Parse(row.Data).ToObject<Dictionary<string, object>>(Serializer)!;
            item[ETagKey] = row.Version.ToString(CultureInfo.InvariantCulture);
            result[row.Key] = item;
        }
        return result;
    }

    public async Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0) return;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var written = new List<(object Item, long Version)>();
        foreach (var (key, value) in changes)
        {
            var json = JObject.FromObject(value, Serializer);
            var etag = json[ETagKey]?.Value<string>();
            json.Remove(ETagKey);
            var data = json.ToString(Formatting.None);
            var now = clock.GetUtcNow();
            long version;
            if (etag == "*")
            {
                var current = await db.State.AsNoTracking().Where(s => s.Key == key).Select(s => (long?)s.Version)
                    .FirstOrDefaultAsync(cancellationToken);
                version = (current ?? 0) + 1;
                if (current is null) db.State.Add(new StateEntry { Key = key, Data = data, Version = version, UpdatedAt = now });
                else await Update(db, key, current.Value, data, version, now, cancellationToken);
            }
            else if (string.IsNullOrEmpty(etag))
            {
                // Read as absent: it must still be absent (two first turns racing must not both win).
                version = 1;
                db.State.Add(new StateEntry { Key = key, Data = data, Version = version, UpdatedAt = now });
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    throw new StateConflictException(key);
                }
            }
            else
            {
                var expected = long.Parse(etag, CultureInfo.InvariantCulture);
                version = expected + 1;
                await Update(db, key, expected, data, version, now, cancellationToken);
            }
            written.Add((value, version));
        }
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);

        // Hand the new versions back, so a second save in the same turn does not conflict with itself.
        foreach (var (item, version) in written)
        {
            var etag = version.ToString(CultureInfo.InvariantCulture);
            switch (item)
            {
                case IStoreItem storeItem: storeItem.ETag = etag; break;
                case IDictionary<string, object> dict: dict[ETagKey] = etag; break;
                case JObject jobject: jobject[ETagKey] = etag; break;
            }
        }
    }

    private static async Task Update(BotDbContext db, string key, long expected, string data, long version,
        DateTimeOffset now, CancellationToken ct)
    {
        var updated = await db.State
            .Where(s => s.Key == key && s.Version == expected)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Data, data).SetProperty(s => s.Version, version)
                .SetProperty(s => s.UpdatedAt, now), ct);
        if (updated == 0) throw new StateConflictException(key);
    }

    public async Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Length == 0) return;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.State.Where(s => keys.Contains(s.Key)).ExecuteDeleteAsync(cancellationToken);
    }
}
