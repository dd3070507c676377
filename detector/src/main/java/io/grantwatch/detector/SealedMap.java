package io.grantwatch.detector;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An unmodifiable, insertion-ordered map that a state record owns ({@link PrincipalState#succeeded},
 * {@link AccountActivity#agencyIds}). The records copy whatever map they are given, so nothing outside can change
 * them; a map already sealed is kept as it is. A state built from another's parts (a late event's count, an
 * unchanged part of an account's activity) then shares them instead of copying them on every event, and a
 * {@link Working} copy hands its map over once it is done with it ({@link #owning}).
 */
final class SealedMap<K, V> extends AbstractMap<K, V> {
    private final Map<K, V> view;

    private SealedMap(Map<K, V> owned) {
        this.view = Collections.unmodifiableMap(owned);
    }

    /** {@code map} itself when it is sealed, else a sealed copy. */
    static <K, V> Map<K, V> of(Map<K, V> map) {
        return map instanceof SealedMap<K, V> ? map : new SealedMap<>(new LinkedHashMap<>(map));
    }

    /** Seals {@code map} without a copy: the caller must never use it again. */
    static <K, V> Map<K, V> owning(LinkedHashMap<K, V> map) {
        return new SealedMap<>(map);
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        return view.entrySet();
    }

    @Override
    public int size() {
        return view.size();
    }

    @Override
    public boolean isEmpty() {
        return view.isEmpty();
    }

    @Override
    public V get(Object key) {
        return view.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return view.containsKey(key);
    }

    @Override
    public V getOrDefault(Object key, V defaultValue) {
        return view.getOrDefault(key, defaultValue);
    }

    @Override
    public Set<K> keySet() {
        return view.keySet();
    }

    @Override
    public void forEach(BiConsumer<? super K, ? super V> action) {
        view.forEach(action);
    }
}
