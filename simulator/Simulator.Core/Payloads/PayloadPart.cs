namespace Simulator.Core.Payloads;

/// <summary>One part of a compiled payload template: its text, or a field with its range.</summary>
/// <param name="Kind">What the part writes.</param>
/// <param name="Literal">The text of a literal part, UTF-8; empty otherwise.</param>
/// <param name="Min">A random field's lower bound.</param>
/// <param name="Max">A random field's upper bound (inclusive).</param>
/// <param name="Decimals">A random field's decimals: 0 draws whole numbers.</param>
internal readonly record struct PayloadPart(PayloadPartKind Kind, byte[] Literal, double Min = 0, double Max = 0, int Decimals = 0);
