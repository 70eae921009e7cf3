package io.jtork.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The journal plugin's {@code snapshot} table, for entities that choose their own moments to
 * snapshot: Pekko deletes old snapshots only for snapshots it takes by count
 * ({@code RetentionCriteria.snapshotEvery}), so such an entity prunes its own here.
 */
public final class Snapshots {
  private final Database db;

  public Snapshots(Database db) {
    this.db = db;
  }

  /** Deletes the snapshots of {@code persistenceId} but its {@code keep} newest; answers how many went. */
  public int keepNewest(String persistenceId, int keep) throws SQLException {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM snapshot WHERE persistence_id = ? AND sequence_number <"
            + " (SELECT MIN(sequence_number) FROM (SELECT sequence_number FROM snapshot WHERE persistence_id = ?"
            + " ORDER BY sequence_number DESC LIMIT ?) newest)")) {
      ps.setString(1, persistenceId);
      ps.setString(2, persistenceId);
      ps.setInt(3, keep);
      return ps.executeUpdate();
    }
  }
}
