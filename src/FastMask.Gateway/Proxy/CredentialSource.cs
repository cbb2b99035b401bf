using FastMask.Gateway.Configuration;

namespace FastMask.Gateway.Proxy;

/// <summary>
/// The upstream credential of a route, ready to inject: <c>prefix + secret</c>. A secret from a file is re-read when
/// the file's modification time or size changes (checked at most every <see cref="CredentialConfig.RefreshSeconds"/>),
/// so rotation needs no restart; if a re-read fails, the last good value stays. The value is never logged.
/// </summary>
internal sealed class CredentialSource
{
    private readonly string _prefix;
    private readonly string? _file;
    private readonly long _refreshTicks;
    private Snapshot _current;
    private long _nextCheck;

    private CredentialSource(string header, string prefix, string? file, double refreshSeconds, Snapshot initial)
    {
        Header = header;
        _prefix = prefix;
        _file = file;
        _refreshTicks = (long)(refreshSeconds * 1000);
        _current = initial;
        _nextCheck = Environment.TickCount64 + _refreshTicks;
    }

    public string Header { get; }

    /// <summary>Raised (with no value) when a rotated file could not be read; the previous credential stays in use.</summary>
    public event Action<CredentialSource>? RefreshFailed;

    /// <summary>Reads the secret named by <paramref name="config"/>; on failure returns null and an error that never contains the secret.</summary>
    public static CredentialSource? Create(CredentialConfig config, System.Collections.IDictionary environment, out string? error)
    {
        var prefix = config.Prefix ?? "";
        if (!string.IsNullOrEmpty(config.Env))
        {
            var secret = (environment[config.Env] as string)?.Trim();
            if (string.IsNullOrEmpty(secret))
            {
                error = $"environment variable {config.Env} is not set or empty";
                return null;
            }

            if (!IsValidSecret(secret))
            {
                error = $"environment variable {config.Env} contains characters a header cannot carry";
                return null;
            }

            error = null;
            return new CredentialSource(config.Header, prefix, null, 0, new Snapshot(prefix + secret, default, -1));
        }

        var file = config.File!;
        if (!TryRead(file, out var snapshot, out error))
        {
            return null;
        }

        return new CredentialSource(config.Header, prefix, file, config.RefreshSeconds, snapshot with { Value = prefix + snapshot.Value });
    }

    /// <summary>The header value to inject now.</summary>
    public string GetValue()
    {
        if (_file is null)
        {
            return _current.Value;
        }

        var now = Environment.TickCount64;
        if (now >= Volatile.Read(ref _nextCheck))
        {
            Volatile.Write(ref _nextCheck, now + _refreshTicks);
            Refresh();
        }

        return Volatile.Read(ref _current).Value;
    }

    private void Refresh()
    {
        var current = Volatile.Read(ref _current);
        try
        {
            var info = new FileInfo(_file!);
            if (info.Exists && info.LastWriteTimeUtc == current.LastWrite && info.Length == current.Length)
            {
                return;
            }
        }
        catch (IOException)
        {
            // Fall through to a full read, which reports the failure.
        }

        if (TryRead(_file!, out var snapshot, out _))
        {
            Volatile.Write(ref _current, snapshot with { Value = _prefix + snapshot.Value });
        }
        else
        {
            RefreshFailed?.Invoke(this);
        }
    }

    private static bool TryRead(string file, out Snapshot snapshot, out string? error)
    {
        snapshot = default!;
        try
        {
            var info = new FileInfo(file);
            var lastWrite = info.LastWriteTimeUtc;
            var length = info.Length;
            var secret = File.ReadAllText(file).Trim();
            if (secret.Length == 0)
            {
                error = "the credential file is empty";
                return false;
            }

            if (!IsValidSecret(secret))
            {
                error = "the credential file contains characters a header cannot carry";
                return false;
            }

            snapshot = new Snapshot(secret, lastWrite, length);
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read the credential file ({e.GetType().Name})";
            return false;
        }
    }

    private static bool IsValidSecret(string secret)
    {
        foreach (var c in secret)
        {
            if (c < 0x20 || c == 0x7f || c > 0x7e)
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Snapshot(string Value, DateTime LastWrite, long Length);
}
