namespace AkkaFraud.Simulator.Internal;

/// <summary>
/// The simulation's agenda: agents in order of due time, then of creation. A calendar queue: one priority queue over
/// every agent costs a cache miss per level at 100,000 accounts (half the generation time, measured), so only the
/// agents due in the current minute sit in a (small) heap; later ones wait unsorted in one bucket per minute for the
/// next few days, and the rare ones beyond that in a second heap.
/// </summary>
internal sealed class Agenda(long startMs)
{
    private const long SlotMs = 60_000;
    private const int Slots = 4096; // 2.8 days of minutes

    private readonly PriorityQueue<Agent, long> _current = new();
    private readonly PriorityQueue<Agent, long> _far = new();
    private readonly List<Agent>?[] _wheel = new List<Agent>?[Slots];
    private long _slot;
    private int _inWheel;
    private long _ordinals;

    /// <summary>The agent to act next (it stays on the agenda until <see cref="Reschedule"/> or <see cref="RemoveNext"/>).</summary>
    public Agent Next()
    {
        while (_current.Count == 0)
        {
            Advance();
        }

        return _current.Peek();
    }

    public void Add(Agent agent)
    {
        if (agent.Ordinal == 0)
        {
            agent.Ordinal = ++_ordinals;
        }

        var slot = SlotOf(agent);
        if (slot <= _slot)
        {
            _current.Enqueue(agent, Key(agent));
        }
        else if (slot < _slot + Slots)
        {
            (_wheel[slot % Slots] ??= []).Add(agent);
            _inWheel++;
        }
        else
        {
            _far.Enqueue(agent, Key(agent));
        }
    }

    /// <summary>The agent <see cref="Next"/> returned has a new due time.</summary>
    public void Reschedule(Agent agent)
    {
        if (SlotOf(agent) <= _slot)
        {
            _current.DequeueEnqueue(agent, Key(agent));
        }
        else
        {
            _current.Dequeue();
            Add(agent);
        }
    }

    /// <summary>The agent <see cref="Next"/> returned is done.</summary>
    public void RemoveNext() => _current.Dequeue();

    private void Advance()
    {
        if (_inWheel == 0)
        {
            _slot = _far.TryPeek(out var first, out _) ? SlotOf(first) : throw new InvalidOperationException("nothing is scheduled");
        }
        else
        {
            _slot++;
        }

        if (_wheel[_slot % Slots] is { Count: > 0 } bucket)
        {
            foreach (var agent in bucket)
            {
                _current.Enqueue(agent, Key(agent));
            }

            _inWheel -= bucket.Count;
            bucket.Clear();
        }

        while (_far.TryPeek(out var agent, out _) && SlotOf(agent) <= _slot)
        {
            _current.Enqueue(_far.Dequeue(), Key(agent));
        }
    }

    private long SlotOf(Agent agent) => (agent.DueMs - startMs) / SlotMs;

    /// <summary>
    /// Due time first (milliseconds since the start, 43 bits: 278 years), then order of creation modulo 2^20, so that
    /// who acts first at the same millisecond does not depend on the agenda's history (an injected incident must not
    /// reorder the others). Only two agents due at the same millisecond whose ordinals also agree modulo 2^20 are
    /// left to the heap.
    /// </summary>
    private long Key(Agent agent)
    {
        var sinceStart = agent.DueMs - startMs;
        return sinceStart < 1L << 43
            ? (sinceStart << 20) | (agent.Ordinal & 0xFFFFF)
            : throw new InvalidOperationException("the simulation has run past 278 years of event time");
    }
}
