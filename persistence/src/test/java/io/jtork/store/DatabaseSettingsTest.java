package io.jtork.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a database's URL shows in logs and messages, and which passwords a driver's message must not show. */
class DatabaseSettingsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "jdbc:postgresql://127.0.0.1:5432/jtork?reWriteBatchedInserts=true&password=hunter2 | - | jdbc:postgresql://127.0.0.1:5432/jtork | hunter2",
      "jdbc:postgresql://ops:hunter2@db.example:5432/jtork | s3cret | jdbc:postgresql://db.example:5432/jtork | s3cret,hunter2",
      "jdbc:postgresql://db1:5432,db2:5432/jtork?PASSWORD=a&ssl=true;x | - | jdbc:postgresql://db1:5432,db2:5432/jtork | a",
      "jdbc:h2:file:/var/jtork/data/jtork;DATABASE_TO_UPPER=false;PASSWORD=p | - | jdbc:h2:file:/var/jtork/data/jtork | p",
      "jdbc:postgresql://127.0.0.1/jtork | - | jdbc:postgresql://127.0.0.1/jtork | -"})
  void showsTheUrlWithoutParametersOrUserInfoAndKnowsItsPasswords(String url, String password, String shown, String passwords) {
    DatabaseSettings db = new DatabaseSettings(DatabaseSettings.Kind.POSTGRES, url, "ops", password, 4);
    assertThat(db.displayUrl()).isEqualTo(shown);
    assertThat(db.toString()).doesNotContain("hunter2").contains(shown);
    assertThat(db.passwords()).containsExactly(passwords == null ? new String[0] : passwords.split(","));
  }
}
