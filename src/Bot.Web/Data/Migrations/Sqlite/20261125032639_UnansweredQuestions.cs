using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bot.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UnansweredQuestions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "unanswered_questions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    CentreId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    CandidatesJson = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_unanswered_questions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_unanswered_questions_CreatedAt",
                table: "unanswered_questions",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_unanswered_questions_UserId",
                table: "unanswered_questions",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "unanswered_questions");
        }
    }
}
