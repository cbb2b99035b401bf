using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;

namespace FastMask.Hyperscan;

/// <summary>A compiled block-mode database (<c>hs_database_t</c>): immutable, shared by all threads.</summary>
public sealed unsafe class HyperscanDatabase : IDisposable
{
    /// <summary>An exception thrown by a match handler, carried across the native frames and rethrown by Scan.</summary>
    [ThreadStatic]
    private static ExceptionDispatchInfo? t_handlerError;

    private readonly DatabaseHandle _handle;

    private HyperscanDatabase(DatabaseHandle handle, int expressionCount)
    {
        _handle = handle;
        ExpressionCount = expressionCount;
    }

    public int ExpressionCount { get; }

    /// <summary>
    /// Compiles <paramref name="expressions"/> into one block-mode database (<c>hs_compile_multi</c>). Throws
    /// <see cref="HyperscanCompileException"/> naming the first expression that fails, and
    /// <see cref="InvalidOperationException"/> when libhs is not available.
    /// </summary>
    public static HyperscanDatabase Compile(IReadOnlyList<HyperscanExpression> expressions)
    {
        ArgumentNullException.ThrowIfNull(expressions);
        if (expressions.Count == 0)
        {
            throw new ArgumentException("At least one expression is required.", nameof(expressions));
        }

        HyperscanLibrary.EnsureAvailable();

        var count = expressions.Count;
        var offsets = new int[count];
        var flags = new uint[count];
        var ids = new uint[count];
        var size = 0;
        for (var i = 0; i < count; i++)
        {
            var pattern = expressions[i].Pattern ?? throw new ArgumentException($"Expression {i} has no pattern.", nameof(expressions));
            if (pattern.Contains('\0', StringComparison.Ordinal))
            {
                // The pattern travels as a C string: a NUL would silently cut it short.
                throw new HyperscanCompileException(i, "the expression contains a NUL character; write it as \\x00");
            }

            offsets[i] = size;
            size += Encoding.UTF8.GetByteCount(pattern) + 1;
            flags[i] = (uint)expressions[i].Flags;
            ids[i] = expressions[i].Id;
        }

        // All expressions as NUL-terminated UTF-8 in one pinned buffer.
        var text = new byte[size];
        for (var i = 0; i < count; i++)
        {
            Encoding.UTF8.GetBytes(expressions[i].Pattern, text.AsSpan(offsets[i]));
        }

        var handle = new DatabaseHandle();
        nint database = 0;
        HyperscanNative.CompileError* error = null;
        int code;
        fixed (byte* textPtr = text)
        fixed (uint* flagsPtr = flags)
        fixed (uint* idsPtr = ids)
        {
            var pointers = new nint[count];
            for (var i = 0; i < count; i++)
            {
                pointers[i] = (nint)(textPtr + offsets[i]);
            }

            fixed (nint* pointersPtr = pointers)
            {
                code = HyperscanNative.hs_compile_multi(
                    (byte**)pointersPtr, flagsPtr, idsPtr, (uint)count, HyperscanNative.ModeBlock, null, &database, &error);
            }
        }

        if (code != 0)
        {
            handle.Dispose();
            throw HyperscanNative.CompileFailure("hs_compile_multi", code, error);
        }

        handle.Attach(database);
        return new HyperscanDatabase(handle, count);
    }

    /// <summary>A scratch for this database (<c>hs_alloc_scratch</c>); clone it for further threads.</summary>
    public HyperscanScratch CreateScratch()
    {
        var handle = new ScratchHandle();
        nint raw = 0;
        var code = HyperscanNative.hs_alloc_scratch(_handle, &raw);
        if (code != 0)
        {
            handle.Dispose();
            throw HyperscanException.ForCall("hs_alloc_scratch", code);
        }

        handle.Attach(raw);
        return new HyperscanScratch(handle);
    }

    /// <summary>
    /// Makes <paramref name="scratch"/> large enough for this database as well (<c>hs_alloc_scratch</c> on an existing
    /// scratch), so that one scratch serves several databases. The scratch must not be in use meanwhile.
    /// </summary>
    public void ReserveScratch(HyperscanScratch scratch)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        var handle = scratch.Handle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var raw = handle.DangerousGetHandle();
            var code = HyperscanNative.hs_alloc_scratch(_handle, &raw);
            if (code != 0)
            {
                throw HyperscanException.ForCall("hs_alloc_scratch", code);
            }

            // libhs may have reallocated the scratch (freeing the old one) and handed back a new pointer.
            handle.Attach(raw);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Scans <paramref name="data"/> (<c>hs_scan</c>), calling <paramref name="handler"/> for each match. Returns
    /// false when the handler stopped the scan. <paramref name="scratch"/> must have been created for this database
    /// (or cloned from one that was) and must not be in use by another scan. A native error throws
    /// <see cref="HyperscanException"/>; an exception thrown by the handler stops the scan and is rethrown here.
    /// </summary>
    public bool Scan<THandler>(ReadOnlySpan<byte> data, HyperscanScratch scratch, ref THandler handler)
        where THandler : IHyperscanMatchHandler
    {
        ArgumentNullException.ThrowIfNull(scratch);

        // libhs rejects a null data pointer even for an empty block.
        byte empty = 0;
        ref var first = ref data.IsEmpty ? ref empty : ref MemoryMarshal.GetReference(data);

        int code;
        fixed (byte* dataPtr = &first)
        fixed (byte* handlerPtr = &Unsafe.As<THandler, byte>(ref handler))
        {
            var context = new ScanContext
            {
                Invoke = &Dispatcher<THandler>.Invoke,
                Handler = handlerPtr,
            };
            code = HyperscanNative.hs_scan(_handle, dataPtr, (uint)data.Length, 0, scratch.Handle, &OnMatch, &context);
        }

        if (code == 0)
        {
            return true;
        }

        if (code == (int)HyperscanError.ScanTerminated)
        {
            var error = t_handlerError;
            if (error is not null)
            {
                t_handlerError = null;
                error.Throw();
            }

            return false;
        }

        throw HyperscanException.ForCall("hs_scan", code);
    }

    public void Dispose() => _handle.Dispose();

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnMatch(uint id, ulong from, ulong to, uint flags, void* context)
    {
        var scan = (ScanContext*)context;
        try
        {
            return scan->Invoke(scan->Handler, id, from, to) ? 0 : 1;
        }
        catch (Exception e)
        {
            // An exception must not unwind through libhs frames: stop the scan and rethrow it in Scan.
            t_handlerError = ExceptionDispatchInfo.Capture(e);
            return 1;
        }
    }

    private struct ScanContext
    {
        public delegate*<void*, uint, ulong, ulong, bool> Invoke;
        public void* Handler;
    }

    /// <summary>
    /// The callback cannot be generic (UnmanagedCallersOnly), so it calls through a managed function pointer to this
    /// per-handler-type method, which is a direct call for struct handlers.
    /// </summary>
    private static class Dispatcher<THandler>
        where THandler : IHyperscanMatchHandler
    {
        public static bool Invoke(void* handler, uint id, ulong from, ulong to) =>
            Unsafe.AsRef<THandler>(handler).OnMatch(id, from, to);
    }
}
