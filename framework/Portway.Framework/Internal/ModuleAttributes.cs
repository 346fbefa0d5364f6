// Stack buffers on the hot path (canonical envelope bytes, signatures, HMAC contexts) are always written before
// they are read: skip zeroing them, as the .NET libraries do.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
