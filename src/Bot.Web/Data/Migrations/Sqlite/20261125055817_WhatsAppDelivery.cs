using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bot.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WhatsAppDelivery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "LastBusinessInitiatedAt",
                table: "users",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Sender",
                table: "inbound_updates",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "outbound_messages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    StatusRank = table.Column<int>(type: "INTEGER", nullable: false),
                    ErrorCode = table.Column<int>(type: "INTEGER", nullable: true),
                    Template = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbound_messages", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_users_LastBusinessInitiatedAt",
                table: "users",
                column: "LastBusinessInitiatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_outbound_messages_Channel_ExternalId",
                table: "outbound_messages",
                columns: new[] { "Channel", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbound_messages_UserId",
                table: "outbound_messages",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "outbound_messages");

            migrationBuilder.DropIndex(
                name: "IX_users_LastBusinessInitiatedAt",
                table: "users");

            migrationBuilder.DropColumn(
                name: "LastBusinessInitiatedAt",
                table: "users");

            migrationBuilder.DropColumn(
                name: "Sender",
                table: "inbound_updates");
        }
    }
}
